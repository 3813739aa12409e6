using System.Runtime.CompilerServices;
using System.Text.Json;
using M3CoreCRM.Grains.Persistence;
using Npgsql;

namespace M3CoreCRM.Grains.Events;

/// <summary>
/// Reads a tenant's events in sequence order. Sequence numbers are handed out in commit order
/// with no gaps (the "crm" grain storage numbers them in the writing transaction), so "everything after N"
/// read now never misses an event that commits later with a smaller number.
/// </summary>
public sealed class TenantEventLog(NpgsqlDataSource dataSource, EventNotifications notifications)
{
    /// <summary>Up to <paramref name="limit"/> events of the tenant after <paramref name="afterSequence"/>, in order.</summary>
    public async Task<IReadOnlyList<StoredEvent>> ReadAsync(Guid tenantId, long afterSequence, int limit, CancellationToken cancellationToken)
    {
        await using var batch = dataSource.ForTenant(tenantId);
        batch.Add("""
            SELECT seq, type, entity_type, entity_id, data::text, occurred_at, actor_id
            FROM events WHERE tenant_id = $1 AND seq > $2 ORDER BY seq LIMIT $3
            """).With(tenantId).With(afterSequence).With(limit);
        var events = new List<StoredEvent>();
        await using var reader = await batch.ReadAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            using var data = JsonDocument.Parse(reader.GetString(4));
            events.Add(new StoredEvent(
                tenantId, reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetGuid(3),
                data.RootElement.Clone(), reader.GetFieldValue<DateTimeOffset>(5), reader.IsDBNull(6) ? null : reader.GetGuid(6)));
        }

        return events;
    }

    /// <summary>
    /// Every event of the tenant after <paramref name="afterSequence"/>, in order, then each new one
    /// as it commits, until cancelled. Resume by passing the last sequence seen.
    /// </summary>
    public async IAsyncEnumerable<StoredEvent> SubscribeAsync(Guid tenantId, long afterSequence, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        const int batch = 500;
        var position = afterSequence;
        while (!cancellationToken.IsCancellationRequested)
        {
            // Take the wake-up signal before reading, so an append between the read and the wait is not missed.
            var appended = notifications.NextAppend(tenantId);
            var events = await ReadAsync(tenantId, position, batch, cancellationToken);
            foreach (var e in events)
            {
                position = e.Sequence;
                yield return e;
            }

            if (events.Count < batch)
            {
                await EventNotifications.WaitAsync(appended, cancellationToken);
            }
        }
    }
}
