using M3CoreCRM.Runtime.Persistence;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace M3CoreCRM.Runtime.Cluster;

/// <summary>A live silo as the membership table shows it.</summary>
public sealed record SiloInfo(Guid Id, string Address);

/// <summary>
/// This silo's entry in the <c>silos</c> table: registered at start, heartbeating while it runs,
/// <c>leaving</c> when it stops. Keeps the current view of live silos (heartbeat within
/// <see cref="ClusterOptions.DeadAfter"/>) for placement.
/// </summary>
public sealed partial class ClusterMembership(NpgsqlDataSource db, IStorageGate gate, IOptions<ClusterOptions> options, ILogger<ClusterMembership> logger) : BackgroundService
{
    private volatile IReadOnlyList<SiloInfo> _live = [];

    public Guid SiloId => options.Value.SiloId;

    public IReadOnlyList<SiloInfo> Live => _live;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await gate.WhenReadyAsync(cancellationToken);
        await using (var batch = db.ForSystem())
        {
            batch.Add("INSERT INTO silos (id, address, status) VALUES ($1, $2, 'active') ON CONFLICT (id) DO UPDATE SET address = $2, status = 'active', heartbeat_at = now()")
                .With(SiloId).With(options.Value.Address);
            await batch.ExecuteAsync(cancellationToken);
        }

        await RefreshAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await MarkLeavingAsync(cancellationToken);
    }

    /// <summary>Takes this silo out of placement: API hosts stop sending it calls while it winds down.</summary>
    public async Task MarkLeavingAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var batch = db.ForSystem();
            batch.Add("UPDATE silos SET status = 'leaving' WHERE id = $1").With(SiloId);
            await batch.ExecuteAsync(cancellationToken);
        }
        catch (NpgsqlException exception)
        {
            LogLeaveFailed(logger, exception);
        }
    }

    /// <summary>Reads the live silos again (after a call found the owner elsewhere, say).</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken) =>
        _live = await ReadLiveAsync(db, options.Value.DeadAfter, cancellationToken);

    /// <summary>The silos that are active and heard from within <paramref name="deadAfter"/>, in id order.</summary>
    internal static async Task<IReadOnlyList<SiloInfo>> ReadLiveAsync(NpgsqlDataSource db, TimeSpan deadAfter, CancellationToken cancellationToken)
    {
        await using var batch = db.ForSystem();
        batch.Add("SELECT id, address FROM silos WHERE status = 'active' AND heartbeat_at > now() - $1 ORDER BY id").With(deadAfter);
        var live = new List<SiloInfo>();
        await using var reader = await batch.ReadAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            live.Add(new SiloInfo(reader.GetGuid(0), reader.GetString(1)));
        }

        return live;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.HeartbeatInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await using (var batch = db.ForSystem())
                {
                    batch.Add("UPDATE silos SET heartbeat_at = now(), status = 'active' WHERE id = $1 AND status = 'active'").With(SiloId);

                    // Every start registers a new silo id: entries silent for a day are history.
                    batch.Add("DELETE FROM silos WHERE heartbeat_at < now() - interval '1 day'");
                    await batch.ExecuteNonQueryAsync(stoppingToken);
                }

                await RefreshAsync(stoppingToken);
            }
            catch (NpgsqlException exception)
            {
                LogHeartbeatFailed(logger, exception);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Heartbeat failed; the silo's leases run out if this lasts")]
    private static partial void LogHeartbeatFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not mark this silo as leaving")]
    private static partial void LogLeaveFailed(ILogger logger, Exception exception);
}

/// <summary>Registered last, so stopped first: the silo leaves placement before its activations wind down.</summary>
internal sealed class ClusterDeparture(ClusterMembership membership) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => membership.MarkLeavingAsync(cancellationToken);
}

/// <summary>Rendezvous (highest random weight) hashing: every process that sees the same live silos places a tenant on the same one.</summary>
public static class Placement
{
    public static Guid? Choose(Guid tenantId, IEnumerable<SiloInfo> silos) =>
        silos.Select(s => (Silo: s.Id, Weight: Weight(tenantId, s.Id))).OrderByDescending(x => x.Weight).ThenBy(x => x.Silo).Select(x => (Guid?)x.Silo).FirstOrDefault();

    // FNV-1a over both ids, finished with splitmix64 so that close inputs spread: the same in every process (unlike HashCode).
    private static ulong Weight(Guid tenantId, Guid siloId)
    {
        Span<byte> bytes = stackalloc byte[32];
        tenantId.TryWriteBytes(bytes);
        siloId.TryWriteBytes(bytes[16..]);
        var hash = 14695981039346656037UL;
        foreach (var b in bytes)
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        hash += 0x9E3779B97F4A7C15UL;
        hash = (hash ^ (hash >> 30)) * 0xBF58476D1CE4E5B9UL;
        hash = (hash ^ (hash >> 27)) * 0x94D049BB133111EBUL;
        return hash ^ (hash >> 31);
    }
}
