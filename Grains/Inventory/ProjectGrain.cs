using System.Text.Json;
using M3CoreCRM.Grains.Abstractions.Inventory;
using M3CoreCRM.Grains.Events;
using M3CoreCRM.Grains.Persistence;

namespace M3CoreCRM.Grains.Inventory;

public sealed class ProjectState
{
    public string Name { get; set; } = "";

    public string Code { get; set; } = "";

    public string? Address { get; set; }

    public GeoPoint? Location { get; set; }

    public JsonElement? Boundary { get; set; }

    /// <summary>Stored for the map's GiST index (a generated <c>box</c> column); not part of the API shape.</summary>
    public GeoBounds? Bounds { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime UpdatedAt { get; set; }
}

[GrainType("project")]
public sealed class ProjectGrain([PersistentState("projects", CrmStorage.Name)] IPersistentState<ProjectState> state) : CrmGrain, IProjectGrain
{
    public async Task<ProjectInfo> CreateAsync(SaveProject command)
    {
        if (state.RecordExists)
        {
            throw new DomainException(DomainErrorKind.Conflict, "project_exists", "This project already exists.");
        }

        var now = DateTime.UtcNow;
        state.State = new ProjectState { CreatedAt = now, UpdatedAt = now };
        var changes = Apply(command);
        await WriteAsync("project.created", changes);
        return Info();
    }

    public Task<ProjectInfo> GetAsync()
    {
        EnsureExists();
        return Task.FromResult(Info());
    }

    public async Task<ProjectInfo> UpdateAsync(SaveProject command, long? expectedVersion)
    {
        EnsureExists();
        Concurrency.Check(state.Version, expectedVersion);
        var changes = Apply(command);
        if (changes.Count > 0)
        {
            state.State.UpdatedAt = DateTime.UtcNow;
            await WriteAsync("project.updated", changes);
        }

        return Info();
    }

    private Dictionary<string, FieldChange> Apply(SaveProject command)
    {
        var s = state.State;
        var changes = new Dictionary<string, FieldChange>();
        Change.Track(changes, "name", s.Name, command.Name, v => s.Name = v);
        Change.Track(changes, "code", s.Code, command.Code, v => s.Code = v);
        Change.Track(changes, "address", s.Address, command.Address, v => s.Address = v);
        Change.Track(changes, "location", s.Location, command.Location, v => s.Location = v);
        Change.TrackJson(changes, "boundary", s.Boundary, command.Boundary, v => s.Boundary = v);
        s.Bounds = command.Bounds;
        return changes;
    }

    private async Task WriteAsync(string eventType, Dictionary<string, FieldChange> changes)
    {
        // Read before the write: a failed write reloads the stored state.
        var code = state.State.Code;
        try
        {
            await state.WriteStateAsync([new GrainEvent(eventType, "project", Key, new { id = Key, state.State.Code, state.State.Name }, changes)]);
        }
        catch (UniqueConstraintException exception) when (exception.Constraint == "projects_code")
        {
            throw new DomainException(DomainErrorKind.Conflict, "code_taken", $"Another project of this tenant has the code '{code}'.");
        }
    }

    private void EnsureExists()
    {
        if (!state.RecordExists)
        {
            throw DomainException.NotFound("The project");
        }
    }

    private ProjectInfo Info()
    {
        var s = state.State;
        return new(Key, s.Name, s.Code, s.Address, s.Location, s.Boundary, s.CreatedAt, s.UpdatedAt, state.Version);
    }
}
