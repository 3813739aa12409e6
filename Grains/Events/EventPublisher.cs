using System.Text.Json;
using M3CoreCRM.Grains.Persistence;
using Npgsql;

namespace M3CoreCRM.Grains.Events;

/// <summary>
/// Numbers a tenant's committed events (see migration 0015): writers append events without a position, and a
/// publishing round gives the next gap-free positions of the tenant to those whose transactions have committed,
/// in append order. A round is one transaction and one round trip: lock the tenant's position row, then (a new
/// statement, so a new snapshot that sees the previous round's commit) number a batch and move the row on.
/// Rounds of one tenant therefore run one at a time even if two relays of it were ever alive at once.
/// </summary>
public sealed class EventPublisher(NpgsqlDataSource dataSource)
{
    /// <summary>Events numbered per round at most.</summary>
    public const int RoundSize = 1000;

    private const string LockPosition = """
        INSERT INTO event_positions AS p (tenant_id, last_seq) VALUES ($1, 0)
        ON CONFLICT (tenant_id) DO UPDATE SET last_seq = p.last_seq WHERE false
        """;

    private const string Number = """
        WITH position AS (SELECT last_seq FROM event_positions WHERE tenant_id = $1),
        round AS (
            SELECT id, row_number() OVER (ORDER BY id) AS n
            FROM (SELECT id FROM events WHERE tenant_id = $1 AND seq IS NULL ORDER BY id LIMIT $2) unnumbered),
        numbered AS (
            UPDATE events e SET seq = position.last_seq + round.n
            FROM round, position
            WHERE e.id = round.id
            RETURNING e.seq, e.type, e.entity_type, e.entity_id, e.data::text, e.occurred_at, e.actor_id),
        moved AS (
            UPDATE event_positions SET last_seq = last_seq + (SELECT count(*) FROM round)
            WHERE tenant_id = $1 AND EXISTS (SELECT 1 FROM round))
        SELECT * FROM numbered ORDER BY seq
        """;

    /// <summary>Numbers up to <paramref name="limit"/> of the tenant's committed, unnumbered events and returns them in position order.</summary>
    public async Task<IReadOnlyList<StoredEvent>> PublishRoundAsync(Guid tenantId, int limit = RoundSize, CancellationToken cancellationToken = default)
    {
        await using var batch = dataSource.ForTenant(tenantId);
        batch.Add(LockPosition).With(tenantId);
        batch.Add(Number).With(tenantId).With((long)limit);
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        while (reader.FieldCount != 7 || reader.GetName(0) != "seq")
        {
            if (!await reader.NextResultAsync(cancellationToken))
            {
                throw new InvalidOperationException("The numbering statement returned no result.");
            }
        }

        return await StoredEvents.ReadAllAsync(reader, tenantId, cancellationToken);
    }
}

/// <summary>Events as rows: <c>seq, type, entity_type, entity_id, data::text, occurred_at, actor_id</c>.</summary>
public static class StoredEvents
{
    public static async Task<IReadOnlyList<StoredEvent>> ReadAllAsync(NpgsqlDataReader reader, Guid tenantId, CancellationToken cancellationToken)
    {
        var events = new List<StoredEvent>();
        while (await reader.ReadAsync(cancellationToken))
        {
            using var data = JsonDocument.Parse(reader.GetString(4));
            events.Add(new StoredEvent(
                tenantId, reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetGuid(3),
                data.RootElement.Clone(), reader.GetFieldValue<DateTimeOffset>(5), reader.IsDBNull(6) ? null : reader.GetGuid(6)));
        }

        return events;
    }
}
