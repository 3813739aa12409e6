using System.Text.Json;
using M3CoreCRM.Runtime.Errors;
using M3CoreCRM.Runtime.Events;
using M3CoreCRM.Runtime.Grains;

namespace M3CoreCRM.Runtime.Persistence;

/// <summary>
/// Grain state in memory, with the same version fencing as PostgreSQL: for fast unit tests of
/// grain logic only, never for a running system.
/// </summary>
public sealed class MemoryGrainStorage : IGrainStorage
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(string Table, GrainId GrainId), StoredState> _rows = [];
    private readonly Dictionary<Guid, List<StoredEvent>> _events = [];

    public Task<StoredState?> ReadAsync(string table, GrainId grainId, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult<StoredState?>(_rows.TryGetValue((table, grainId), out var row) ? row : null);
        }
    }

    public Task<long> WriteAsync(string table, GrainId grainId, string json, long expectedVersion, IReadOnlyList<GrainEvent> events, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var current = _rows.TryGetValue((table, grainId), out var row) ? row.Version : 0;
            if (current != expectedVersion)
            {
                throw new StorageConflictException($"The state of {grainId} in {table} was changed by another writer (expected version {expectedVersion}).");
            }

            _rows[(table, grainId)] = new StoredState(json, current + 1);
            if (events.Count > 0)
            {
                if (!_events.TryGetValue(grainId.TenantId, out var log))
                {
                    _events[grainId.TenantId] = log = [];
                }

                foreach (var e in events)
                {
                    var data = JsonSerializer.SerializeToElement(e.Data, e.Data.GetType(), GrainJson.Options);
                    log.Add(new StoredEvent(grainId.TenantId, log.Count + 1, e.Type, e.EntityType, e.EntityId, data, DateTimeOffset.UtcNow));
                }
            }

            return Task.FromResult(current + 1);
        }
    }

    public Task ClearAsync(string table, GrainId grainId, long expectedVersion, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (!_rows.TryGetValue((table, grainId), out var row) || row.Version != expectedVersion)
            {
                throw new StorageConflictException($"The state of {grainId} in {table} was changed by another writer (expected version {expectedVersion}).");
            }

            _rows.Remove((table, grainId));
            return Task.CompletedTask;
        }
    }

    /// <summary>The events a tenant's writes appended, in order.</summary>
    public IReadOnlyList<StoredEvent> EventsOf(Guid tenantId)
    {
        lock (_lock)
        {
            return _events.TryGetValue(tenantId, out var log) ? [.. log] : [];
        }
    }
}
