using M3CoreCRM.Grains.Abstractions.Inventory;
using M3CoreCRM.Grains.Events;
using M3CoreCRM.Grains.Persistence;

namespace M3CoreCRM.Grains.Inventory;

public sealed class TypeCodeState
{
    public TypeCodeKind Kind { get; set; }

    public string Code { get; set; } = "";

    public string Name { get; set; } = "";

    public string Category { get; set; } = "";
}

[GrainType("type-code")]
public sealed class TypeCodeGrain([PersistentState("type_codes", CrmStorage.Name)] IPersistentState<TypeCodeState> state) : CrmGrain, ITypeCodeGrain
{
    public async Task<TypeCodeInfo> CreateAsync(CreateTypeCode command)
    {
        if (state.RecordExists)
        {
            throw new DomainException(DomainErrorKind.Conflict, "type_code_exists", "This type code already exists.");
        }

        state.State = new TypeCodeState { Kind = command.Kind, Code = command.Code, Name = command.Name, Category = command.Category };
        await WriteAsync("type_code.created", new()
        {
            ["code"] = new(null, command.Code),
            ["name"] = new(null, command.Name),
            ["category"] = new(null, command.Category),
        });
        return Info();
    }

    public Task<TypeCodeInfo> GetAsync()
    {
        EnsureExists();
        return Task.FromResult(Info());
    }

    public async Task<TypeCodeInfo> UpdateAsync(UpdateTypeCode command, long? expectedVersion)
    {
        EnsureExists();
        Concurrency.Check(state.Version, expectedVersion);
        var changes = new Dictionary<string, FieldChange>();
        if (command.Name != state.State.Name)
        {
            changes["name"] = new(state.State.Name, command.Name);
        }

        if (command.Category != state.State.Category)
        {
            changes["category"] = new(state.State.Category, command.Category);
        }

        if (changes.Count > 0)
        {
            state.State.Name = command.Name;
            state.State.Category = command.Category;
            await WriteAsync("type_code.updated", changes);
        }

        return Info();
    }

    private async Task WriteAsync(string eventType, Dictionary<string, FieldChange> changes)
    {
        // Read before the write: a failed write reloads the stored state.
        var code = state.State.Code;
        try
        {
            await state.WriteStateAsync([new GrainEvent(eventType, "type_code", Key, new { id = Key, state.State.Kind, state.State.Code }, changes)]);
        }
        catch (UniqueConstraintException exception) when (exception.Constraint == "type_codes_code")
        {
            throw new DomainException(DomainErrorKind.Conflict, "code_taken", $"The code '{code}' is already in this tenant's catalog.");
        }
    }

    private void EnsureExists()
    {
        if (!state.RecordExists)
        {
            throw DomainException.NotFound("The type code");
        }
    }

    private TypeCodeInfo Info() => new(Key, state.State.Kind, state.State.Code, state.State.Name, state.State.Category, state.Version);
}
