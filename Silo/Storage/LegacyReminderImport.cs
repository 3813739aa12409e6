using M3CoreCRM.Grains.Persistence;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;

namespace M3CoreCRM.Silo.Storage;

/// <summary>
/// Upgrade in place: moves the reminders the runtime before Orleans kept (table <c>reminders</c>: holds, call
/// locks, approvals, tasks, notifications, provisioning) into Orleans' reminder table, as the silo starts and
/// before its reminder service reads that table. Each row goes over in one transaction with its deletion, so a crash part way repeats nothing.
/// Its grain id is the one Orleans gives the grain (<c>{type}/{id:N}+{tenant:N}</c>), and its period Orleans'
/// shortest, as every reminder of the domain is one-shot.
/// </summary>
internal sealed partial class LegacyReminderImport(
    NpgsqlDataSource dataSource, IOptions<ClusterOptions> cluster, IOptions<ReminderOptions> reminders, ILogger<LegacyReminderImport> logger)
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var legacy = new List<(Guid TenantId, string Type, Guid Key, string Name, DateTime DueAt)>();
        await using (var read = dataSource.ForSystem())
        {
            read.Add("SELECT tenant_id, grain_type, grain_key, name, due_at FROM reminders");
            await using var reader = await read.ReadAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                legacy.Add((reader.GetGuid(0), reader.GetString(1), reader.GetGuid(2), reader.GetString(3), reader.GetDateTime(4)));
            }
        }

        foreach (var (tenantId, type, key, name, dueAt) in legacy)
        {
            var grainId = GrainId.Create(type, $"{key:N}+{tenantId:N}");
            await using var move = dataSource.ForSystem();
            move.Add("""
                INSERT INTO orleansreminderstable (serviceid, grainid, remindername, starttime, period, grainhash, version)
                VALUES ($1, $2, $3, $4, $5, $6, 0) ON CONFLICT (serviceid, grainid, remindername) DO NOTHING
                """)
                .With(cluster.Value.ServiceId).With(grainId.ToString()).With(name).With(dueAt)
                .With((long)reminders.Value.MinimumReminderPeriod.TotalMilliseconds).With(unchecked((int)grainId.GetUniformHashCode()));
            move.Add("DELETE FROM reminders WHERE tenant_id = $1 AND grain_type = $2 AND grain_key = $3 AND name = $4").With(tenantId).With(type).With(key).With(name);
            await move.ExecuteNonQueryAsync(cancellationToken);
        }

        if (legacy.Count > 0)
        {
            LogImported(logger, legacy.Count);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Moved {Count} reminders of the runtime before Orleans into Orleans' reminder table")]
    private static partial void LogImported(ILogger logger, int count);
}
