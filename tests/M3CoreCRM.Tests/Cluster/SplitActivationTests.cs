using M3CoreCRM.Grains.Abstractions.Tenancy;
using M3CoreCRM.Testing.Grains;
using M3CoreCRM.Tests.Infrastructure;
using Orleans.Storage;

namespace M3CoreCRM.Tests.Cluster;

/// <summary>
/// Two activations of one grain at once, as a membership change can leave for a moment (a silo declared dead that is
/// still running its grains): forced here with a second cluster over the same database, which knows nothing of the
/// first's directory. The storage's version fence lets only one of them write each version.
/// </summary>
public sealed class SplitActivationTests(CrmClusterFixture cluster) : IClassFixture<CrmClusterFixture>
{
    [Fact]
    public async Task StaleActivationsWriteIsRefusedAndItCarriesOnFromTheWinnersState()
    {
        var tenant = Guid.CreateVersion7();
        var key = Guid.CreateVersion7();
        await using var other = await CrmClusterFixture.StartClusterAsync(cluster.Database, silos: 1);
        var here = cluster.Grains.GetGrain<ICounterGrain>(tenant, key);
        var there = other.Client.GetGrain<ICounterGrain>(tenant, key);

        Assert.Equal(1, await here.IncrementWithEventAsync());
        Assert.Equal(2, await there.IncrementWithEventAsync());

        // The first activation still holds version 1: its write is refused, nothing of it is stored, and it reloads.
        await Assert.ThrowsAsync<InconsistentStateException>(here.IncrementWithEventAsync);
        Assert.Equal(2, await here.GetAsync());
        Assert.Equal(3, await here.IncrementWithEventAsync());

        // Now the second one is behind, and the same holds for it.
        await Assert.ThrowsAsync<InconsistentStateException>(there.IncrementWithEventAsync);
        Assert.Equal(4, await there.IncrementWithEventAsync());

        // Every stored version has exactly one event: no refused write left one behind.
        var values = (await cluster.PublishedEventsAsync(tenant)).Select(e => e.Data.GetProperty("value").GetInt64()).ToList();
        Assert.Equal([1, 2, 3, 4], values);
    }
}
