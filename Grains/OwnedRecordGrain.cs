using M3CoreCRM.Grains.Events;
using M3CoreCRM.Grains.Persistence;

namespace M3CoreCRM.Grains;

/// <summary>The state every owned CRM record keeps besides its fields.</summary>
public interface IOwnedRecordState
{
    bool Deleted { get; set; }

    DateTime CreatedAt { get; set; }

    DateTime UpdatedAt { get; set; }
}

/// <summary>
/// Create, read, change and (softly) delete for a CRM record whose rules are its fields' own: every
/// change is a <c>{type}.created</c>, <c>.updated</c> or <c>.deleted</c> event with the changed fields for
/// the audit log; a deleted record reads as 404. Records with more rules than that (leads, deals) are
/// grains of their own. Tenant settings kept the same way (approval policies) use it too.
/// </summary>
public abstract class OwnedRecordGrain<TState, TFields, TInfo>(IPersistentState<TState> state, string entityType) : CrmGrain
    where TState : class, IOwnedRecordState, new()
{
    protected TState State => state.State;

    protected long Version => state.Version;

    public async Task<TInfo> CreateAsync(TFields fields)
    {
        if (state.RecordExists)
        {
            throw new DomainException(DomainErrorKind.Conflict, $"{entityType}_exists", $"This {entityType} already exists.");
        }

        var now = DateTime.UtcNow;
        state.State = new TState { CreatedAt = now, UpdatedAt = now };
        await WriteAsync("created", Apply(fields));
        return Info();
    }

    public Task<TInfo> GetAsync()
    {
        EnsureExists();
        return Task.FromResult(Info());
    }

    public async Task<TInfo> UpdateAsync(TFields fields, long? expectedVersion)
    {
        EnsureExists();
        Concurrency.Check(state.Version, expectedVersion);
        var changes = Apply(fields);
        if (changes.Count > 0)
        {
            state.State.UpdatedAt = DateTime.UtcNow;
            await WriteAsync("updated", changes);
        }

        return Info();
    }

    public async Task DeleteAsync(long? expectedVersion)
    {
        EnsureExists();
        Concurrency.Check(state.Version, expectedVersion);
        state.State.Deleted = true;
        state.State.UpdatedAt = DateTime.UtcNow;
        await WriteAsync("deleted", new() { ["deleted"] = new(false, true) });
    }

    /// <summary>Applies the fields to <see cref="State"/> and returns what changed.</summary>
    protected abstract Dictionary<string, FieldChange> Apply(TFields fields);

    /// <summary>The event's data: at least the id and a name, and for owned records <c>ownerId</c> (streams and notifications follow it).</summary>
    protected abstract object EventData();

    protected abstract TInfo Info();

    /// <summary>Writes the state with an event of the record's own (a call logged on a contact).</summary>
    protected Task WriteAsync(GrainEvent recorded) => state.WriteStateAsync([recorded]);

    private Task WriteAsync(string change, Dictionary<string, FieldChange> changes) =>
        WriteAsync(new GrainEvent($"{entityType}.{change}", entityType, Key, EventData(), changes));

    /// <summary>A 404 for a record never created or deleted.</summary>
    protected void EnsureExists()
    {
        if (!state.RecordExists || state.State.Deleted)
        {
            throw Absent($"The {entityType}");
        }
    }
}
