using M3CoreCRM.Runtime.Events;

namespace M3CoreCRM.Runtime.Persistence;

/// <summary>
/// A grain's durable state, read before <c>OnActivateAsync</c> and written through: a write
/// returns only after PostgreSQL committed it. Writes are fenced by <see cref="Version"/>;
/// a lost race throws <see cref="Errors.StorageConflictException"/> after reloading the stored
/// state, and after any failed write <see cref="State"/> is what is stored, never the attempt.
/// </summary>
public interface IPersistentState<TState>
    where TState : class, new()
{
    TState State { get; set; }

    /// <summary>The stored row's version (0 when no row exists).</summary>
    long Version { get; }

    /// <summary><see cref="Version"/> as an opaque string, as Orleans names it.</summary>
    string? Etag { get; }

    bool RecordExists { get; }

    Task ReadStateAsync();

    Task WriteStateAsync();

    /// <summary>Writes the state and appends <paramref name="events"/> to the tenant's event log in the same transaction.</summary>
    Task WriteStateAsync(IReadOnlyList<GrainEvent> events);

    /// <summary>Deletes the stored row and resets <see cref="State"/> to a new instance.</summary>
    Task ClearStateAsync();
}

/// <summary>
/// Marks a grain constructor parameter of type <see cref="IPersistentState{TState}"/>; the
/// state lives in the table <paramref name="table"/>, keyed by <c>(tenant_id, id)</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Parameter)]
public sealed class PersistentStateAttribute(string table) : Attribute
{
    public string Table { get; } = table;
}
