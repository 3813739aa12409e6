using M3CoreCRM.Grains.Abstractions.Deals;
using M3CoreCRM.Grains.Events;
using M3CoreCRM.Grains.Persistence;

namespace M3CoreCRM.Grains.Deals;

public sealed class PipelineState
{
    public string Name { get; set; } = "";

    public IReadOnlyList<PipelineStage> Stages { get; set; } = [];

    public DateTime CreatedAt { get; set; }
}

[GrainType("pipeline")]
public sealed class PipelineGrain([PersistentState("pipelines", CrmStorage.Name)] IPersistentState<PipelineState> state) : CrmGrain, IPipelineGrain
{
    public async Task<PipelineInfo> CreateAsync(PipelineFields fields)
    {
        if (state.RecordExists)
        {
            throw new DomainException(DomainErrorKind.Conflict, "pipeline_exists", "This pipeline already exists.");
        }

        state.State = new PipelineState { CreatedAt = DateTime.UtcNow };
        await WriteAsync("pipeline.created", Apply(fields));
        return Info();
    }

    public Task<PipelineInfo> GetAsync() =>
        state.RecordExists ? Task.FromResult(Info()) : throw DomainException.NotFound("The pipeline");

    public async Task<PipelineInfo> UpdateAsync(PipelineFields fields, long? expectedVersion)
    {
        if (!state.RecordExists)
        {
            throw DomainException.NotFound("The pipeline");
        }

        Concurrency.Check(state.Version, expectedVersion);
        var changes = Apply(fields);
        if (changes.Count > 0)
        {
            await WriteAsync("pipeline.updated", changes);
        }

        return Info();
    }

    private Dictionary<string, FieldChange> Apply(PipelineFields f)
    {
        var s = state.State;
        var changes = new Dictionary<string, FieldChange>();
        Change.Track(changes, "name", s.Name, f.Name, v => s.Name = v);
        Change.TrackShape(changes, "stages", s.Stages, [.. f.Stages.OrderBy(st => st.Order)], v => s.Stages = v);
        return changes;
    }

    private Task WriteAsync(string eventType, Dictionary<string, FieldChange> changes) =>
        state.WriteStateAsync([new GrainEvent(eventType, "pipeline", Key, new { id = Key, state.State.Name }, changes)]);

    private PipelineInfo Info() => new(Key, state.State.Name, state.State.Stages, state.State.CreatedAt, state.Version);
}
