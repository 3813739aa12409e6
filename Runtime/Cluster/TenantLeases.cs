using System.Collections.Concurrent;
using System.Diagnostics;
using M3CoreCRM.Runtime.Errors;
using M3CoreCRM.Runtime.Persistence;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace M3CoreCRM.Runtime.Cluster;

/// <summary>
/// The tenant leases this silo holds. A tenant's place is the silo that rendezvous hashing picks
/// among the live ones; only that silo takes its lease, and only once the previous holder's lease
/// has expired or been released (a takeover raises the epoch). Held leases are renewed; a lease
/// that could not be renewed, or whose place moved to another silo, is given up and the tenant's
/// activations retire. Stopping releases every lease at once.
/// </summary>
public sealed partial class TenantLeases(NpgsqlDataSource db, ClusterMembership membership, IOptions<ClusterOptions> options, ILogger<TenantLeases> logger)
    : BackgroundService, IWriteFence
{
    private readonly ConcurrentDictionary<Guid, (long Epoch, long ValidUntil)> _held = new();

    public Func<Guid, Task>? RetireTenant { get; set; }

    public bool Enabled => true;

    public Guid? SiloId => membership.SiloId;

    public bool IsPlacedHere(Guid tenantId) => Placement.Choose(tenantId, membership.Live) == membership.SiloId;

    public IReadOnlyCollection<Guid> HeldTenants => [.. _held.Keys];

    public (Guid SiloId, long Epoch)? For(Guid tenantId) =>
        _held.TryGetValue(tenantId, out var lease) ? (membership.SiloId, lease.Epoch) : null;

    public bool Owns(Guid tenantId) => _held.TryGetValue(tenantId, out var lease) && Stopwatch.GetTimestamp() < lease.ValidUntil;

    public void Lost(Guid tenantId, long epoch)
    {
        if (_held.TryGetValue(tenantId, out var lease) && lease.Epoch == epoch && _held.TryRemove(new KeyValuePair<Guid, (long, long)>(tenantId, lease)))
        {
            _ = RetireTenant?.Invoke(tenantId);
        }
    }

    public async Task EnsureOwnedAsync(Guid tenantId, CancellationToken cancellationToken)
    {
        if (Owns(tenantId))
        {
            return;
        }

        // A lease this silo no longer trusts: whatever still runs under it retires before the tenant is taken again.
        if (_held.TryRemove(tenantId, out _) && RetireTenant is { } retire)
        {
            await retire(tenantId);
        }

        var place = Placement.Choose(tenantId, membership.Live);
        if (place != membership.SiloId)
        {
            await membership.RefreshAsync(cancellationToken);
            place = Placement.Choose(tenantId, membership.Live);
            if (place != membership.SiloId)
            {
                throw new NotOwnerException(tenantId, place, beforeRunning: true);
            }
        }

        var requested = Stopwatch.GetTimestamp();
        await using var batch = db.ForSystem();
        batch.Add("""
            INSERT INTO tenant_leases AS l (tenant_id, silo_id, epoch, expires_at) VALUES ($1, $2, 1, now() + $3)
            ON CONFLICT (tenant_id) DO UPDATE
                SET silo_id = $2, epoch = l.epoch + 1, expires_at = now() + $3
                WHERE l.silo_id = $2 OR l.expires_at < now()
            RETURNING epoch
            """).With(tenantId).With(membership.SiloId).With(options.Value.LeaseDuration);
        if (await batch.ScalarAsync(cancellationToken) is not long epoch)
        {
            // Someone else's lease has not run out yet (it died, or it has not given the tenant up).
            throw new NotOwnerException(tenantId, null, beforeRunning: true);
        }

        _held[tenantId] = (epoch, ValidUntil(requested));
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await using var batch = db.ForSystem();
            batch.Add("UPDATE tenant_leases SET expires_at = now() - interval '1 millisecond' WHERE silo_id = $1").With(membership.SiloId);
            await batch.ExecuteAsync(cancellationToken);
        }
        catch (NpgsqlException exception)
        {
            LogReleaseFailed(logger, exception);
        }

        _held.Clear();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.LeaseRenewInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await RenewAsync(stoppingToken);
            }
            catch (NpgsqlException exception)
            {
                LogRenewFailed(logger, exception);
            }

            // Whatever could not be renewed in time is no longer this silo's: its activations retire even while the database is out of reach.
            var now = Stopwatch.GetTimestamp();
            foreach (var (tenant, lease) in _held)
            {
                if (now >= lease.ValidUntil)
                {
                    Lost(tenant, lease.Epoch);
                }
            }
        }
    }

    internal async Task RenewAsync(CancellationToken cancellationToken)
    {
        var tenants = _held.Keys.ToArray();
        if (tenants.Length == 0)
        {
            return;
        }

        // A tenant whose place moved to another silo (one joined) is handed over: its turns finish here first, then the lease goes.
        var moving = tenants.Where(t => Placement.Choose(t, membership.Live) is { } place && place != membership.SiloId).ToArray();
        foreach (var tenant in moving)
        {
            if (_held.TryRemove(tenant, out _) && RetireTenant is { } retire)
            {
                await retire(tenant);
            }
        }

        if (moving.Length > 0)
        {
            await using var release = db.ForSystem();
            release.Add("UPDATE tenant_leases SET expires_at = now() - interval '1 millisecond' WHERE silo_id = $1 AND tenant_id = ANY($2)").With(membership.SiloId).With(moving);
            await release.ExecuteAsync(cancellationToken);
        }

        var keep = tenants.Except(moving).ToArray();
        var requested = Stopwatch.GetTimestamp();
        await using var batch = db.ForSystem();
        batch.Add("UPDATE tenant_leases SET expires_at = now() + $3 WHERE silo_id = $1 AND tenant_id = ANY($2) AND expires_at > now() RETURNING tenant_id, epoch")
            .With(membership.SiloId).With(keep).With(options.Value.LeaseDuration);
        var renewed = new Dictionary<Guid, long>();
        await using (var reader = await batch.ReadAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                renewed[reader.GetGuid(0)] = reader.GetInt64(1);
            }
        }

        foreach (var tenant in keep)
        {
            if (!_held.TryGetValue(tenant, out var lease))
            {
                continue;
            }

            if (renewed.TryGetValue(tenant, out var epoch) && lease.Epoch == epoch)
            {
                _held[tenant] = (epoch, ValidUntil(requested));
            }
            else
            {
                Lost(tenant, lease.Epoch);
            }
        }
    }

    // Trusted locally a second less than granted, counted from before the request: the database's word is what fences writes.
    private long ValidUntil(long requestedAt) =>
        requestedAt + (long)((options.Value.LeaseDuration - TimeSpan.FromSeconds(1)).TotalSeconds * Stopwatch.Frequency);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Renewing tenant leases failed; they run out if this lasts")]
    private static partial void LogRenewFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Releasing tenant leases at shutdown failed; they run out on their own")]
    private static partial void LogReleaseFailed(ILogger logger, Exception exception);
}
