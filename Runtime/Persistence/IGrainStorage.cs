using M3CoreCRM.Runtime.Events;
using M3CoreCRM.Runtime.Grains;

namespace M3CoreCRM.Runtime.Persistence;

/// <summary>A stored state row: its JSON and its version.</summary>
public readonly record struct StoredState(string Json, long Version);

/// <summary>
/// Where grain state lives. Every write is fenced by the expected version (0: the row must not
/// exist yet) and throws <see cref="Errors.StorageConflictException"/> when another write won.
/// </summary>
public interface IGrainStorage
{
    Task<StoredState?> ReadAsync(string table, GrainId grainId, CancellationToken cancellationToken);

    /// <summary>Writes the state and appends the events in one transaction; returns the new version.</summary>
    Task<long> WriteAsync(string table, GrainId grainId, string json, long expectedVersion, IReadOnlyList<GrainEvent> events, CancellationToken cancellationToken);

    Task ClearAsync(string table, GrainId grainId, long expectedVersion, CancellationToken cancellationToken);
}
