using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using M3CoreCRM.Runtime.Diagnostics;
using M3CoreCRM.Runtime.Errors;
using M3CoreCRM.Runtime.Events;
using M3CoreCRM.Runtime.Grains;
using Npgsql;
using NpgsqlTypes;

namespace M3CoreCRM.Runtime.Persistence;

/// <summary>
/// Grain state in PostgreSQL: one table per grain type, primary key <c>(tenant_id, id)</c>, the
/// state as <c>jsonb</c> (typed, indexed columns are generated from it by the table's migration),
/// and <c>version</c>. Each write is one statement, so one round trip: the version-fenced
/// <c>UPDATE</c> (or the first <c>INSERT ... ON CONFLICT DO NOTHING</c>), the bump of the
/// tenant's event sequence row, the event rows and the <c>NOTIFY</c> commit together or not at all.
/// </summary>
public sealed partial class PostgresGrainStorage(NpgsqlDataSource dataSource, IStorageGate gate, EventAnnouncer announcer, IWriteFence fence) : IGrainStorage
{
    /// <summary>The channel on which event appends are announced, with payload <c>tenantId:lastSequence</c>.</summary>
    public const string EventChannel = "m3_events";

    private readonly ConcurrentDictionary<(string Table, WriteKind Kind, bool Fenced), string> _sql = new();

    private enum WriteKind
    {
        Insert,
        Update,
        InsertWithEvents,
        UpdateWithEvents,
    }

    public async Task<StoredState?> ReadAsync(string table, GrainId grainId, CancellationToken cancellationToken)
    {
        await WaitForGateAsync(cancellationToken);
        var started = Stopwatch.GetTimestamp();
        await using var batch = dataSource.ForTenant(grainId.TenantId);
        batch.Add($"SELECT state::text, version FROM {Checked(table)} WHERE tenant_id = $1 AND id = $2").With(grainId.TenantId).With(grainId.Key);
        await using var reader = await batch.ReadAsync(cancellationToken);
        StoredState? result = await reader.ReadAsync(cancellationToken) ? new StoredState(reader.GetString(0), reader.GetInt64(1)) : null;
        RuntimeMetrics.RecordStorage("read", started);
        return result;
    }

    public async Task<long> WriteAsync(string table, GrainId grainId, string json, long expectedVersion, IReadOnlyList<GrainEvent> events, CancellationToken cancellationToken)
    {
        await WaitForGateAsync(cancellationToken);
        var started = Stopwatch.GetTimestamp();
        var kind = (expectedVersion == 0, events.Count == 0) switch
        {
            (true, true) => WriteKind.Insert,
            (true, false) => WriteKind.InsertWithEvents,
            (false, true) => WriteKind.Update,
            (false, false) => WriteKind.UpdateWithEvents,
        };
        // In a cluster the write holds the tenant's lease row (FOR SHARE) and happens only under this silo's epoch.
        var lease = fence.Enabled ? fence.For(grainId.TenantId) ?? throw new NotOwnerException(grainId.TenantId, null) : ((Guid SiloId, long Epoch)?)null;
        await using var batch = dataSource.ForTenant(grainId.TenantId);
        if (lease is { } held)
        {
            batch.Add("SELECT 1 FROM tenant_leases WHERE tenant_id = $1 AND silo_id = $2 AND epoch = $3 AND expires_at > now() FOR SHARE")
                .With(grainId.TenantId).With(held.SiloId).With(held.Epoch);
        }

        var command = batch.Add(_sql.GetOrAdd((Checked(table), kind, lease is not null), key => BuildWriteSql(key.Table, key.Kind, key.Fenced)));
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = grainId.TenantId });
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = grainId.Key });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = json, NpgsqlDbType = NpgsqlDbType.Jsonb });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = expectedVersion });
        if (events.Count > 0)
        {
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = events.Count });
            command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. events.Select(e => e.Type)] });
            command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. events.Select(e => e.EntityType)] });
            command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [.. events.Select(e => e.EntityId)] });
            command.Parameters.Add(new NpgsqlParameter<string[]>
            {
                TypedValue = [.. events.Select(e => JsonSerializer.Serialize(e.Data, e.Data.GetType(), GrainJson.Options))],
                NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb,
            });
            var context = RequestContext.Current;
            command.Parameters.Add(new NpgsqlParameter { Value = context?.ActorId is { } actor ? actor : DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid });
            command.Parameters.Add(new NpgsqlParameter { Value = (object?)context?.ClientAddress ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            command.Parameters.Add(new NpgsqlParameter<string?[]>
            {
                TypedValue = [.. events.Select(e => e.Changes is null ? null : JsonSerializer.Serialize(e.Changes, GrainJson.Options))],
                NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb,
            });
        }

        if (lease is { } fenceBy)
        {
            command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = fenceBy.SiloId });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = fenceBy.Epoch });
        }

        await using var reader = await ExecuteWriteAsync(batch, cancellationToken);
        if (lease is not null)
        {
            var leaseHeld = await reader.ReadAsync(cancellationToken);
            await reader.NextResultAsync(cancellationToken);
            if (!leaseHeld)
            {
                fence.Lost(grainId.TenantId, lease.Value.Epoch);
                throw new NotOwnerException(grainId.TenantId, null);
            }
        }

        var written = await reader.ReadAsync(cancellationToken);
        RuntimeMetrics.RecordStorage("write", started);
        if (!written)
        {
            RuntimeMetrics.StorageConflicts.Add(1);
            throw new StorageConflictException($"The state of {grainId} in {table} was changed by another writer (expected version {expectedVersion}).");
        }

        if (events.Count > 0)
        {
            announcer.Announce(grainId.TenantId, reader.GetInt64(1));
        }

        return reader.GetInt64(0);
    }

    public async Task ClearAsync(string table, GrainId grainId, long expectedVersion, CancellationToken cancellationToken)
    {
        await WaitForGateAsync(cancellationToken);
        var lease = fence.Enabled ? fence.For(grainId.TenantId) ?? throw new NotOwnerException(grainId.TenantId, null) : ((Guid SiloId, long Epoch)?)null;
        await using var batch = dataSource.ForTenant(grainId.TenantId);
        var delete = batch.Add($"DELETE FROM {Checked(table)} WHERE tenant_id = $1 AND id = $2 AND version = $3"
            + (lease is null ? "" : " AND EXISTS (SELECT 1 FROM tenant_leases WHERE tenant_id = $1 AND silo_id = $4 AND epoch = $5 AND expires_at > now())"))
            .With(grainId.TenantId).With(grainId.Key).With(expectedVersion);
        if (lease is { } held)
        {
            delete.With(held.SiloId).With(held.Epoch);
        }

        if (await batch.ExecuteAsync(cancellationToken) == 0)
        {
            RuntimeMetrics.StorageConflicts.Add(1);
            throw new StorageConflictException($"The state of {grainId} in {table} was changed by another writer (expected version {expectedVersion}).");
        }
    }

    private static async Task<NpgsqlDataReader> ExecuteWriteAsync(NpgsqlBatch batch, CancellationToken cancellationToken)
    {
        try
        {
            return await batch.ReadAsync(cancellationToken);
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            throw new UniqueConstraintException(exception.ConstraintName ?? "unknown", exception);
        }
    }

    private ValueTask WaitForGateAsync(CancellationToken cancellationToken)
    {
        var ready = gate.WhenReadyAsync(cancellationToken);
        return ready.IsCompletedSuccessfully ? ValueTask.CompletedTask : new ValueTask(ready);
    }

    private static string BuildWriteSql(string table, WriteKind kind, bool fenced)
    {
        // The fence's silo and epoch are the last two parameters.
        var fenceParameter = kind is WriteKind.Insert or WriteKind.Update ? 5 : 13;
        var fence = fenced
            ? $"EXISTS (SELECT 1 FROM tenant_leases WHERE tenant_id = $1 AND silo_id = ${fenceParameter} AND epoch = ${fenceParameter + 1} AND expires_at > now())"
            : "TRUE";
        var written = kind is WriteKind.Insert or WriteKind.InsertWithEvents
            ? $"INSERT INTO {table} (tenant_id, id, state, version) SELECT $1, $2, $3, 1 WHERE {fence} ON CONFLICT (tenant_id, id) DO NOTHING RETURNING version"
            : $"UPDATE {table} SET state = $3, version = version + 1 WHERE tenant_id = $1 AND id = $2 AND version = $4 AND {fence} RETURNING version";
        if (kind is WriteKind.Insert or WriteKind.Update)
        {
            return written;
        }

        // The sequence row is locked last and held only until commit: events get numbers in commit order, with no gaps.
        // Every event is also an audit entry, stamped with the request's actor and client address.
        return $"""
            WITH written AS ({written}),
            sequence AS (
                INSERT INTO event_sequences AS s (tenant_id, last_seq)
                SELECT $1, $5 FROM written
                ON CONFLICT (tenant_id) DO UPDATE SET last_seq = s.last_seq + EXCLUDED.last_seq
                RETURNING last_seq),
            appended AS (
                INSERT INTO events (tenant_id, seq, type, entity_type, entity_id, data, actor_id)
                SELECT $1, sequence.last_seq - $5 + e.ord, e.type, e.entity_type, e.entity_id, e.data, $10
                FROM sequence, unnest($6::text[], $7::text[], $8::uuid[], $9::jsonb[]) WITH ORDINALITY AS e(type, entity_type, entity_id, data, ord)
                RETURNING seq),
            audited AS (
                INSERT INTO audit_logs (tenant_id, actor_id, client_address, action, entity_type, entity_id, changes)
                SELECT $1, $10, $11, e.type, e.entity_type, e.entity_id, e.changes
                FROM written, unnest($6::text[], $7::text[], $8::uuid[], $12::jsonb[]) AS e(type, entity_type, entity_id, changes))
            SELECT w.version, (SELECT max(seq) FROM appended) FROM written w
            """;
    }

    private static string Checked(string table) => TableName().IsMatch(table)
        ? table
        : throw new ArgumentException($"'{table}' is not a valid state table name.", nameof(table));

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex TableName();
}
