using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using M3CoreCRM.Grains.Abstractions.Errors;
using M3CoreCRM.Grains.Abstractions.Events;
using M3CoreCRM.Grains.Abstractions.Tenancy;
using M3CoreCRM.Grains.Events;
using M3CoreCRM.Grains.Persistence;
using Npgsql;
using NpgsqlTypes;
using Orleans.Storage;

namespace M3CoreCRM.Silo.Storage;

/// <summary>
/// The "crm" grain storage: one table per grain type (the state name), primary key <c>(tenant_id, id)</c>,
/// the state as <c>jsonb</c> (typed, indexed columns are generated from it by the table's migration), and
/// <c>version</c> as the ETag. Each write is one round trip: the version-fenced <c>UPDATE</c> (or the first
/// <c>INSERT ... ON CONFLICT DO NOTHING</c>) with the events the grain attached (<see cref="PendingEvents"/>)
/// appended to the tenant's event log and the audit log, committed together or not at all.
/// A lost version race is <see cref="InconsistentStateException"/>; any failed write retires the activation,
/// so the next call reads what is stored instead of the attempt.
/// </summary>
public sealed partial class CrmGrainStorage(
    NpgsqlDataSource dataSource, IStorageGate gate, EventRelayCalls relays, IGrainContextAccessor grainContext, ILogger<CrmGrainStorage> logger)
    : IGrainStorage
{
    private readonly ConcurrentDictionary<(string Table, WriteKind Kind), string> _sql = new();

    private enum WriteKind
    {
        Insert,
        Update,
        InsertWithEvents,
        UpdateWithEvents,
    }

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var (tenantId, key) = Identify(grainId);
        await WaitForGateAsync();
        var started = Stopwatch.GetTimestamp();
        try
        {
            await using var batch = dataSource.ForTenant(tenantId);
            batch.Add($"SELECT state::text, version FROM {Checked(stateName)} WHERE tenant_id = $1 AND id = $2").With(tenantId).With(key);
            await using var reader = await batch.ReadAsync(CancellationToken.None);
            if (await reader.ReadAsync())
            {
                grainState.State = JsonSerializer.Deserialize<T>(reader.GetString(0), GrainJson.Options)!;
                grainState.ETag = reader.GetInt64(1).ToString(System.Globalization.CultureInfo.InvariantCulture);
                grainState.RecordExists = true;
            }
            else
            {
                grainState.ETag = null;
                grainState.RecordExists = false;
            }
        }
        catch (Exception exception) when (Unavailable(exception))
        {
            throw new StorageUnavailableException("Storage is not reachable at the moment.", exception);
        }

        StorageMetrics.Record("read", started);
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var (tenantId, key) = Identify(grainId);
        var events = PendingEvents.Take(grainState.State);
        try
        {
            await WaitForGateAsync();
            var started = Stopwatch.GetTimestamp();
            var expectedVersion = Version(grainState.ETag);
            var kind = (expectedVersion == 0, events.Count == 0) switch
            {
                (true, true) => WriteKind.Insert,
                (true, false) => WriteKind.InsertWithEvents,
                (false, true) => WriteKind.Update,
                (false, false) => WriteKind.UpdateWithEvents,
            };
            await using var batch = dataSource.ForTenant(tenantId);
            var command = batch.Add(_sql.GetOrAdd((Checked(stateName), kind), k => BuildWriteSql(k.Table, k.Kind)));
            command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = tenantId });
            command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = key });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = JsonSerializer.Serialize(grainState.State, GrainJson.Options), NpgsqlDbType = NpgsqlDbType.Jsonb });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = expectedVersion });
            if (events.Count > 0)
            {
                AddEventParameters(command, events);
            }

            await using var reader = await ExecuteWriteAsync(batch);
            var written = await reader.ReadAsync();
            StorageMetrics.Record("write", started);
            if (!written)
            {
                StorageMetrics.Conflicts.Add(1);
                throw new InconsistentStateException($"The state of {grainId} in {stateName} was changed by another writer (expected version {expectedVersion}).", null, grainState.ETag);
            }

            var version = reader.GetInt64(0);
            if (events.Count > 0)
            {
                relays.Appended(tenantId);
            }

            grainState.ETag = version.ToString(System.Globalization.CultureInfo.InvariantCulture);
            grainState.RecordExists = true;
        }
        catch (Exception exception)
        {
            RetireActivation(grainId, exception);
            if (Unavailable(exception))
            {
                throw new StorageUnavailableException("Storage is not reachable at the moment; nothing was written.", exception);
            }

            throw;
        }
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var (tenantId, key) = Identify(grainId);
        try
        {
            await WaitForGateAsync();
            var expectedVersion = Version(grainState.ETag);
            if (expectedVersion > 0)
            {
                await using var batch = dataSource.ForTenant(tenantId);
                batch.Add($"DELETE FROM {Checked(stateName)} WHERE tenant_id = $1 AND id = $2 AND version = $3").With(tenantId).With(key).With(expectedVersion);
                if (await batch.ExecuteAsync(CancellationToken.None) == 0)
                {
                    StorageMetrics.Conflicts.Add(1);
                    throw new InconsistentStateException($"The state of {grainId} in {stateName} was changed by another writer (expected version {expectedVersion}).", null, grainState.ETag);
                }
            }

            grainState.ETag = null;
            grainState.RecordExists = false;
        }
        catch (Exception exception)
        {
            RetireActivation(grainId, exception);
            if (Unavailable(exception))
            {
                throw new StorageUnavailableException("Storage is not reachable at the moment; nothing was deleted.", exception);
            }

            throw;
        }
    }

    private static void AddEventParameters(NpgsqlBatchCommand command, IReadOnlyList<GrainEvent> events)
    {
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. events.Select(e => e.Type)] });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. events.Select(e => e.EntityType)] });
        command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [.. events.Select(e => e.EntityId)] });
        command.Parameters.Add(new NpgsqlParameter<string[]>
        {
            TypedValue = [.. events.Select(e => JsonSerializer.Serialize(e.Data, e.Data.GetType(), GrainJson.Options))],
            NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb,
        });
        command.Parameters.Add(new NpgsqlParameter { Value = CallerContext.ActorId is { } actor ? actor : DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)CallerContext.ClientAddress ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<string?[]>
        {
            TypedValue = [.. events.Select(e => e.Changes is null ? null : JsonSerializer.Serialize(e.Changes, GrainJson.Options))],
            NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb,
        });
    }

    /// <summary>
    /// After a failed write the activation's memory holds the attempt, not what is stored: it takes no further
    /// requests, and the next call activates the grain afresh from the table.
    /// </summary>
    private void RetireActivation(GrainId grainId, Exception exception)
    {
        if (grainContext.GrainContext is { } context && context.GrainId == grainId)
        {
            LogRetired(logger, grainId, exception.GetType().Name);
            context.Deactivate(new DeactivationReason(DeactivationReasonCode.ApplicationError, "A state write failed; the stored state is read afresh on the next call."));
        }
    }

    private static (Guid TenantId, Guid Key) Identify(GrainId grainId) => grainId.TryGetTenantKey(out var tenantId, out var key)
        ? (tenantId, key)
        : throw new ArgumentException($"{grainId} is not keyed by record id and tenant; the \"crm\" storage keeps only domain grains.", nameof(grainId));

    private static long Version(string? etag) => etag is null ? 0 : long.Parse(etag, System.Globalization.CultureInfo.InvariantCulture);

    private static bool Unavailable(Exception exception) =>
        exception is NpgsqlException { IsTransient: true } or SocketException or TimeoutException
        || (exception is NpgsqlException { InnerException: { } inner } && Unavailable(inner));

    private static async Task<NpgsqlDataReader> ExecuteWriteAsync(NpgsqlBatch batch)
    {
        try
        {
            return await batch.ReadAsync(CancellationToken.None);
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            throw new UniqueConstraintException(exception.ConstraintName ?? "unknown", exception);
        }
    }

    private ValueTask WaitForGateAsync()
    {
        var ready = gate.WhenReadyAsync(CancellationToken.None);
        return ready.IsCompletedSuccessfully ? ValueTask.CompletedTask : new ValueTask(ready);
    }

    private static string BuildWriteSql(string table, WriteKind kind)
    {
        var written = kind is WriteKind.Insert or WriteKind.InsertWithEvents
            ? $"INSERT INTO {table} (tenant_id, id, state, version) VALUES ($1, $2, $3, 1) ON CONFLICT (tenant_id, id) DO NOTHING RETURNING version"
            : $"UPDATE {table} SET state = $3, version = version + 1 WHERE tenant_id = $1 AND id = $2 AND version = $4 RETURNING version";
        if (kind is WriteKind.Insert or WriteKind.Update)
        {
            return written;
        }

        // Events are appended without positions, so writers of one tenant do not wait for each other; the tenant's
        // relay numbers them once committed (EventPublisher). Every event is also an audit entry, stamped with the
        // request's actor and client address.
        return $"""
            WITH written AS ({written}),
            appended AS (
                INSERT INTO events (tenant_id, type, entity_type, entity_id, data, actor_id)
                SELECT $1, e.type, e.entity_type, e.entity_id, e.data, $9
                FROM written, unnest($5::text[], $6::text[], $7::uuid[], $8::jsonb[]) AS e(type, entity_type, entity_id, data)),
            audited AS (
                INSERT INTO audit_logs (tenant_id, actor_id, client_address, action, entity_type, entity_id, changes)
                SELECT $1, $9, $10, e.type, e.entity_type, e.entity_id, e.changes
                FROM written, unnest($5::text[], $6::text[], $7::uuid[], $11::jsonb[]) AS e(type, entity_type, entity_id, changes))
            SELECT w.version FROM written w
            """;
    }

    private static string Checked(string table) => TableName().IsMatch(table)
        ? table
        : throw new ArgumentException($"'{table}' is not a valid state table name.", nameof(table));

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex TableName();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Retiring {GrainId} after its state write failed ({Failure})")]
    private static partial void LogRetired(ILogger logger, GrainId grainId, string failure);
}
