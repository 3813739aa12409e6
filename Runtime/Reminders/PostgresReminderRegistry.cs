using M3CoreCRM.Runtime.Errors;
using M3CoreCRM.Runtime.Grains;
using M3CoreCRM.Runtime.Persistence;
using Npgsql;

namespace M3CoreCRM.Runtime.Reminders;

/// <summary>
/// Reminders in the <c>reminders</c> table, keyed by (tenant, grain type, grain key, name). In a
/// cluster, changes are fenced like state writes: they happen only under this silo's lease of the tenant.
/// </summary>
public sealed class PostgresReminderRegistry(NpgsqlDataSource dataSource, IStorageGate gate, IWriteFence fence) : IReminderRegistry
{
    public async Task RegisterAsync(GrainId grainId, string name, TimeSpan dueIn, TimeSpan? period, CancellationToken cancellationToken)
    {
        await gate.WhenReadyAsync(cancellationToken);
        var lease = Lease(grainId.TenantId);
        await using var batch = dataSource.ForTenant(grainId.TenantId);
        var command = batch.Add($"""
            INSERT INTO reminders (tenant_id, grain_type, grain_key, name, due_at, period_ms)
            SELECT $1, $2, $3, $4, now() + $5, $6 WHERE {Fence(lease, 7)}
            ON CONFLICT (tenant_id, grain_type, grain_key, name) DO UPDATE SET due_at = EXCLUDED.due_at, period_ms = EXCLUDED.period_ms
            """);
        AddKey(command, grainId, name);
        command.Parameters.Add(new NpgsqlParameter<TimeSpan> { TypedValue = dueIn });
        command.Parameters.Add(new NpgsqlParameter { Value = period is { } p ? (long)p.TotalMilliseconds : DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint });
        AddFence(command, lease);
        if (await batch.ExecuteAsync(cancellationToken) == 0)
        {
            throw new NotOwnerException(grainId.TenantId, null);
        }
    }

    public async Task UnregisterAsync(GrainId grainId, string name, CancellationToken cancellationToken)
    {
        await gate.WhenReadyAsync(cancellationToken);
        var lease = Lease(grainId.TenantId);
        await using var batch = dataSource.ForTenant(grainId.TenantId);
        var command = batch.Add($"DELETE FROM reminders WHERE tenant_id = $1 AND grain_type = $2 AND grain_key = $3 AND name = $4 AND {Fence(lease, 5)}");
        AddKey(command, grainId, name);
        AddFence(command, lease);
        await batch.ExecuteAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<ReminderEntry>> ReadDueAsync(int limit, Guid? siloId, CancellationToken cancellationToken)
    {
        await gate.WhenReadyAsync(cancellationToken);
        // The poller works across tenants (in a cluster: across the tenants this silo owns).
        await using var batch = dataSource.ForSystem();
        batch.Add("""
            SELECT tenant_id, grain_type, grain_key, name, due_at, period_ms
            FROM reminders r
            WHERE due_at <= now()
              AND ($2::uuid IS NULL
                   OR EXISTS (SELECT 1 FROM tenant_leases l WHERE l.tenant_id = r.tenant_id AND l.silo_id = $2 AND l.expires_at > now())
                   OR NOT EXISTS (SELECT 1 FROM tenant_leases l WHERE l.tenant_id = r.tenant_id AND l.expires_at > now()))
            ORDER BY due_at LIMIT $1
            """).With(limit);
        batch.BatchCommands[^1].Parameters.Add(new NpgsqlParameter { Value = (object?)siloId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Uuid });
        var due = new List<ReminderEntry>();
        await using var reader = await batch.ReadAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            due.Add(new ReminderEntry(
                new GrainId(reader.GetString(1), reader.GetGuid(0), reader.GetGuid(2)),
                reader.GetString(3),
                reader.GetFieldValue<DateTimeOffset>(4),
                reader.IsDBNull(5) ? null : TimeSpan.FromMilliseconds(reader.GetInt64(5))));
        }

        return due;
    }

    public async Task CompleteAsync(ReminderEntry fired, DateTimeOffset? nextDueAt, CancellationToken cancellationToken)
    {
        // Completed only by the lease holder: a silo that lost the tenant leaves the row to the new owner.
        if (fence.Enabled && fence.For(fired.GrainId.TenantId) is null)
        {
            return;
        }

        var lease = Lease(fired.GrainId.TenantId);
        await using var batch = dataSource.ForTenant(fired.GrainId.TenantId);
        var command = batch.Add(nextDueAt is null
            ? $"DELETE FROM reminders WHERE tenant_id = $1 AND grain_type = $2 AND grain_key = $3 AND name = $4 AND due_at = $5 AND {Fence(lease, 6)}"
            : $"UPDATE reminders SET due_at = $6 WHERE tenant_id = $1 AND grain_type = $2 AND grain_key = $3 AND name = $4 AND due_at = $5 AND {Fence(lease, 7)}");
        AddKey(command, fired.GrainId, fired.Name);
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = fired.DueAt.ToUniversalTime() });
        if (nextDueAt is { } next)
        {
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = next.ToUniversalTime() });
        }

        AddFence(command, lease);
        await batch.ExecuteAsync(cancellationToken);
    }

    // The silo and epoch to fence by, or null on one silo; no lease in a cluster means this silo may not touch the tenant.
    private (Guid SiloId, long Epoch)? Lease(Guid tenantId) =>
        fence.Enabled ? fence.For(tenantId) ?? throw new NotOwnerException(tenantId, null) : null;

    private static string Fence((Guid SiloId, long Epoch)? lease, int firstParameter) => lease is null
        ? "TRUE"
        : $"EXISTS (SELECT 1 FROM tenant_leases WHERE tenant_id = $1 AND silo_id = ${firstParameter} AND epoch = ${firstParameter + 1} AND expires_at > now())";

    private static void AddFence(NpgsqlBatchCommand command, (Guid SiloId, long Epoch)? lease)
    {
        if (lease is { } held)
        {
            command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = held.SiloId });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = held.Epoch });
        }
    }

    private static void AddKey(NpgsqlBatchCommand command, GrainId grainId, string name)
    {
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = grainId.TenantId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = grainId.Type });
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = grainId.Key });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
    }
}
