using System.Diagnostics;
using M3CoreCRM.Runtime.Cluster;
using M3CoreCRM.Runtime.Errors;
using M3CoreCRM.Runtime.Grains;
using M3CoreCRM.Runtime.Persistence;
using M3CoreCRM.Testing;
using M3CoreCRM.Testing.Grains;
using M3CoreCRM.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace M3CoreCRM.Tests.Cluster;

/// <summary>Silos against one database: placement, leases, hand-over, fail-over of a killed process, fencing.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ClusterTests(PostgresFixture postgres)
{
    private static Dictionary<string, string?> ClusterSettings(Guid siloId) => new()
    {
        ["Cluster:Enabled"] = "true",
        ["Cluster:SiloId"] = siloId.ToString(),
        ["Cluster:Address"] = $"test://{siloId:N}",
        ["Cluster:HeartbeatInterval"] = "00:00:00.300",
        ["Cluster:DeadAfter"] = "00:00:02",
        ["Cluster:LeaseDuration"] = "00:00:03",
        ["Cluster:LeaseRenewInterval"] = "00:00:00.500",
    };

    [Fact]
    public async Task TenantsSpreadOverThreeSilosAndEachServesOnlyItsOwn()
    {
        var database = await postgres.Server.CreateDatabaseAsync("cluster");
        var silos = new List<TestSilo>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                silos.Add(await TestSilo.StartAsync(database, settings: ClusterSettings(Guid.CreateVersion7())));
            }

            var members = silos.Select(s => s.Services.GetRequiredService<ClusterMembership>()).ToList();
            foreach (var member in members)
            {
                await member.RefreshAsync(CancellationToken.None);
                Assert.Equal(3, member.Live.Count);
            }

            var tenants = Enumerable.Range(0, 30).Select(_ => Guid.CreateVersion7()).ToList();
            var placed = tenants.GroupBy(t => Placement.Choose(t, members[0].Live)).ToDictionary(g => g.Key!.Value, g => g.ToList());
            Assert.Equal(3, placed.Count);

            foreach (var tenant in tenants.Take(9))
            {
                var owner = members.FindIndex(m => m.SiloId == Placement.Choose(tenant, members[0].Live));
                Assert.Equal(1, await silos[owner].Grains.GetGrain<ICounterGrain>(tenant, Guid.CreateVersion7()).IncrementAsync());
                var other = silos[(owner + 1) % 3];
                var refused = await Assert.ThrowsAsync<NotOwnerException>(() => other.Grains.GetGrain<ICounterGrain>(tenant, Guid.CreateVersion7()).IncrementAsync());
                Assert.Equal(members[owner].SiloId, refused.OwnerHint);
            }
        }
        finally
        {
            foreach (var silo in silos)
            {
                await silo.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task SiloStoppingGracefullyHandsItsTenantsOverAtOnce()
    {
        var database = await postgres.Server.CreateDatabaseAsync("cluster");
        var a = await TestSilo.StartAsync(database, settings: ClusterSettings(Guid.CreateVersion7()));
        await using var b = await TestSilo.StartAsync(database, settings: ClusterSettings(Guid.CreateVersion7()));
        var aMembership = a.Services.GetRequiredService<ClusterMembership>();
        var bMembership = b.Services.GetRequiredService<ClusterMembership>();
        await aMembership.RefreshAsync(CancellationToken.None);
        var tenant = Enumerable.Range(0, 100).Select(_ => Guid.CreateVersion7()).First(t => Placement.Choose(t, aMembership.Live) == aMembership.SiloId);
        var key = Guid.CreateVersion7();
        await a.Grains.GetGrain<ICounterGrain>(tenant, key).IncrementAsync();

        await a.DisposeAsync();
        await bMembership.RefreshAsync(CancellationToken.None);
        var clock = Stopwatch.StartNew();

        Assert.Equal(2, await b.Grains.GetGrain<ICounterGrain>(tenant, key).IncrementAsync());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"The hand-over took {clock.Elapsed}.");
    }

    [Fact]
    public async Task SiloStartedLaterTakesAFairShareOfTenantsAfterRebalancing()
    {
        var database = await postgres.Server.CreateDatabaseAsync("cluster");
        await using var first = await TestSilo.StartAsync(database, settings: ClusterSettings(Guid.CreateVersion7()));
        var tenants = Enumerable.Range(0, 20).Select(_ => (Tenant: Guid.CreateVersion7(), Key: Guid.CreateVersion7())).ToList();
        foreach (var (tenant, key) in tenants)
        {
            await first.Grains.GetGrain<ICounterGrain>(tenant, key).IncrementAsync();
        }

        var firstLeases = first.Services.GetRequiredService<TenantLeases>();
        Assert.Equal(20, firstLeases.HeldTenants.Count);

        await using var second = await TestSilo.StartAsync(database, settings: ClusterSettings(Guid.CreateVersion7()));
        var secondMembership = second.Services.GetRequiredService<ClusterMembership>();
        await secondMembership.RefreshAsync(CancellationToken.None);
        var moving = tenants.Where(t => Placement.Choose(t.Tenant, secondMembership.Live) == secondMembership.SiloId).ToList();
        Assert.InRange(moving.Count, 4, 16);

        // The first silo hands over what is now the second's place at its next renewal; the second serves it with its stored state.
        foreach (var (tenant, key) in moving)
        {
            var value = await Eventually.ReturnsAsync(async () =>
            {
                try
                {
                    return await second.Grains.GetGrain<ICounterGrain>(tenant, key).IncrementAsync();
                }
                catch (NotOwnerException)
                {
                    return -1;
                }
            }, v => v > 0, TimeSpan.FromSeconds(15));
            Assert.Equal(2, value);
        }

        Assert.Equal(20 - moving.Count, firstLeases.HeldTenants.Count);
    }

    [Fact]
    public async Task SiloThatLosesATenantsLeaseRetiresItsActivationsWithoutBeingCalled()
    {
        var database = await postgres.Server.CreateDatabaseAsync("cluster");
        await using var silo = await TestSilo.StartAsync(database, settings: ClusterSettings(Guid.CreateVersion7()));
        var tenant = Guid.CreateVersion7();
        var counter = silo.Grains.GetGrain<ICounterGrain>(tenant, Guid.CreateVersion7());
        await counter.IncrementAsync();

        await using (var takeover = silo.DataSource.ForSystem())
        {
            takeover.Add("UPDATE tenant_leases SET silo_id = $2, epoch = epoch + 1 WHERE tenant_id = $1").With(tenant).With(Guid.CreateVersion7());
            await takeover.ExecuteAsync(CancellationToken.None);
        }

        // The next renewal finds the lease gone: the activation must not go on serving what it holds in memory.
        await Eventually.TrueAsync(() => CounterGrain.Deactivated.TryGetValue(counter.GetGrainId(), out var reason) && reason == DeactivationReason.OwnershipLost);
        Assert.DoesNotContain(tenant, silo.Services.GetRequiredService<TenantLeases>().HeldTenants);
    }

    [Fact]
    public async Task OldOwnersWriteIsRejectedByFencingOnceAnotherSiloTookTheLease()
    {
        var database = await postgres.Server.CreateDatabaseAsync("cluster");
        await using var silo = await TestSilo.StartAsync(database, settings: ClusterSettings(Guid.CreateVersion7()));
        var tenant = Guid.CreateVersion7();
        var counter = silo.Grains.GetGrain<ICounterGrain>(tenant, Guid.CreateVersion7());
        Assert.Equal(1, await counter.IncrementAsync());

        // A partition: this silo still believes it holds the lease, but another silo has taken it over.
        await using (var takeover = silo.DataSource.ForSystem())
        {
            takeover.Add("UPDATE tenant_leases SET silo_id = $2, epoch = epoch + 1 WHERE tenant_id = $1").With(tenant).With(Guid.CreateVersion7());
            Assert.Equal(1, await takeover.ExecuteAsync(CancellationToken.None));
        }

        // Still believing it holds the lease, the old owner can neither register a reminder nor write state.
        await Assert.ThrowsAsync<NotOwnerException>(() => counter.SetReminderAsync(TimeSpan.FromMinutes(5)));
        await Assert.ThrowsAsync<NotOwnerException>(counter.IncrementAsync);

        await using (var reminders = silo.DataSource.ForTenant(tenant))
        {
            reminders.Add("SELECT count(*) FROM reminders WHERE tenant_id = $1").With(tenant);
            Assert.Equal(0L, await reminders.ScalarAsync(CancellationToken.None));
        }

        await using var stored = silo.DataSource.ForTenant(tenant);
        stored.Add($"SELECT value FROM {TestSchema.CounterTable} WHERE tenant_id = $1").With(tenant);
        Assert.Equal(1L, await stored.ScalarAsync(CancellationToken.None));
    }

    [Fact]
    public async Task KilledSilosTenantsAreServedElsewhereAfterTheLeaseWithEveryAcknowledgedWrite()
    {
        var database = await postgres.Server.CreateDatabaseAsync("cluster");
        await using var survivor = await TestSilo.StartAsync(database, settings: ClusterSettings(Guid.CreateVersion7()));
        var probeSilo = Guid.CreateVersion7();
        var candidates = new[] { new SiloInfo(probeSilo, "probe"), new SiloInfo(survivor.Services.GetRequiredService<ClusterMembership>().SiloId, "survivor") };
        var tenant = Enumerable.Range(0, 100).Select(_ => Guid.CreateVersion7()).First(t => Placement.Choose(t, candidates) == probeSilo);
        var key = Guid.CreateVersion7();

        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "M3CoreCRM.SiloProbe.dll"), database, tenant.ToString(), key.ToString() })
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in ClusterSettings(probeSilo))
        {
            info.Environment[name.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        using var probe = Process.Start(info)!;
        long acknowledged = 0;
        try
        {
            while (acknowledged < 20 && await probe.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60)) is { } line)
            {
                if (line.StartsWith("acknowledged ", StringComparison.Ordinal))
                {
                    acknowledged = long.Parse(line["acknowledged ".Length..]);
                }
            }

            // The probe wrote as a member of the cluster, under the tenant's lease.
            await using var lease = survivor.DataSource.ForSystem();
            lease.Add("SELECT silo_id FROM tenant_leases WHERE tenant_id = $1").With(tenant);
            Assert.Equal(probeSilo, await lease.ScalarAsync(CancellationToken.None));
        }
        finally
        {
            probe.Kill(entireProcessTree: true);
            await probe.WaitForExitAsync();
        }

        Assert.True(acknowledged >= 20, $"The probe silo acknowledged only {acknowledged} writes. {await probe.StandardError.ReadToEndAsync()}");
        var killedAt = Stopwatch.StartNew();
        var membership = survivor.Services.GetRequiredService<ClusterMembership>();
        var counter = survivor.Grains.GetGrain<ICounterGrain>(tenant, key);

        var stored = await Eventually.ReturnsAsync(async () =>
        {
            await membership.RefreshAsync(CancellationToken.None);
            try
            {
                return await counter.GetAsync();
            }
            catch (NotOwnerException)
            {
                return -1;
            }
        }, value => value >= 0, TimeSpan.FromSeconds(20));

        // Lease (3 s) + death detection (2 s) + 5 s.
        Assert.True(killedAt.Elapsed < TimeSpan.FromSeconds(10), $"Fail-over took {killedAt.Elapsed}.");
        Assert.True(stored >= acknowledged, $"Acknowledged {acknowledged}, but {stored} is stored.");
        Assert.Equal(stored + 1, await counter.IncrementAsync());
    }
}
