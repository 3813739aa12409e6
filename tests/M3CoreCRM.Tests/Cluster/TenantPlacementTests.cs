using M3CoreCRM.Grains.Abstractions.Tenancy;
using M3CoreCRM.Silo.Hosting;
using M3CoreCRM.Testing.Grains;
using M3CoreCRM.Tests.Infrastructure;

namespace M3CoreCRM.Tests.Cluster;

/// <summary>Tenant placement (ARCHITECTURE rule 7): a tenant's grains live together on its silo, and move there when a silo joins.</summary>
public sealed class TenantPlacementTests(CrmClusterFixture cluster) : IClassFixture<CrmClusterFixture>
{
    [Fact]
    public async Task EachTenantsGrainsLiveTogetherAndMoveWithTheirStateWhenASiloJoins()
    {
        await using var growing = await CrmClusterFixture.StartClusterAsync(cluster.Database, silos: 1);
        var tenants = Enumerable.Range(0, 24).Select(_ => Guid.CreateVersion7()).ToList();
        var counters = tenants.ToDictionary(t => t, t => new[] { Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7() }
            .Select(key => growing.Client.GetGrain<ICounterGrain>(t, key)).ToList());
        foreach (var counter in counters.Values.SelectMany(c => c))
        {
            await counter.IncrementAsync();
        }

        await growing.StartAdditionalSiloAsync();
        await growing.WaitForLivenessToStabilizeAsync();
        var silos = growing.GetActiveSilos().Select(s => s.SiloAddress).ToList();
        Assert.Equal(2, silos.Count);
        var management = growing.Client.GetGrain<IManagementGrain>(0);

        // A call on a silo that is no longer the tenant's moves the activation there once it is idle.
        var placed = await Eventually.ReturnsAsync(
            async () =>
            {
                var misplaced = 0;
                foreach (var (tenant, grains) in counters)
                {
                    foreach (var grain in grains)
                    {
                        await grain.GetAsync();
                        if (!Equals(await management.GetActivationAddress(grain), TenantPlacement.SiloOf(grain.GetGrainId(), silos)))
                        {
                            misplaced++;
                        }
                    }
                }

                return misplaced;
            },
            misplaced => misplaced == 0,
            TimeSpan.FromSeconds(30));
        Assert.Equal(0, placed);

        var hosts = new Dictionary<Guid, HashSet<SiloAddress>>();
        foreach (var (tenant, grains) in counters)
        {
            hosts[tenant] = [];
            foreach (var grain in grains)
            {
                hosts[tenant].Add((await management.GetActivationAddress(grain))!);
                Assert.Equal(2, await grain.IncrementAsync());
            }
        }

        Assert.All(hosts.Values, h => Assert.Single(h));
        Assert.Equal(2, hosts.Values.Select(h => h.Single()).Distinct().Count());
    }
}
