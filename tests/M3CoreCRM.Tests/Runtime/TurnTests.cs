using M3CoreCRM.Runtime.Activations;
using M3CoreCRM.Runtime.Errors;
using M3CoreCRM.Runtime.Grains;
using M3CoreCRM.Testing;
using M3CoreCRM.Testing.Grains;
using M3CoreCRM.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace M3CoreCRM.Tests.Runtime;

[Collection(PostgresCollection.Name)]
public sealed class TurnTests(PostgresFixture postgres) : IAsyncLifetime
{
    private static readonly Guid Tenant = Guid.CreateVersion7();
    private TestSilo? _silo;

    private TestSilo Silo => _silo!;

    public async Task InitializeAsync() =>
        _silo = await TestSilo.StartAsync(await postgres.Server.CreateDatabaseAsync("turns"), options => options.CallTimeout = TimeSpan.FromSeconds(2));

    public async Task DisposeAsync() => await Silo.DisposeAsync();

    [Fact]
    public async Task ThousandConcurrentCallsOnOneGrainAreSerialised()
    {
        var counter = Silo.Grains.GetGrain<ICounterGrain>(Tenant, Guid.CreateVersion7());

        var results = await Task.WhenAll(Enumerable.Range(0, 1000).Select(_ => Task.Run(counter.IncrementAsync)));

        Assert.Equal(1000, await counter.GetAsync());
        Assert.Equal(Enumerable.Range(1, 1000).Select(i => (long)i), results.Order());
        await using var stored = Silo.DataSource.CreateCommand($"SELECT value, version FROM {TestSchema.CounterTable} WHERE tenant_id = $1");
        stored.Parameters.AddWithValue(Tenant);
        await using var reader = await stored.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal(1000L, reader.GetInt64(0));
        Assert.Equal(1000L, reader.GetInt64(1));
    }

    [Fact]
    public async Task ReadOnlyCallsRunAlongsideEachOther()
    {
        var counter = Silo.Grains.GetGrain<ICounterGrain>(Tenant, Guid.CreateVersion7());
        var meeting = Guid.NewGuid();

        // Each call waits inside the grain until all five are inside at once: only parallel turns can finish.
        var arrivals = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => Task.Run(() => counter.MeetAsync(meeting, 5))));

        Assert.Equal([1, 2, 3, 4, 5], arrivals.Order());
    }

    [Fact]
    public async Task StateChangingCallWaitsForRunningReadOnlyCalls()
    {
        var counter = Silo.Grains.GetGrain<ICounterGrain>(Tenant, Guid.CreateVersion7());
        var meeting = Guid.NewGuid();

        var reader = counter.MeetAsync(meeting, 2);
        var writer = counter.IncrementAsync();

        Assert.False(writer.IsCompleted);
        await Rendezvous.ArriveAsync(meeting, 2);
        await reader;
        Assert.Equal(1, await writer);
    }

    [Fact]
    public async Task CallChainThatComesBackReEntersInsteadOfDeadlocking()
    {
        var a = Silo.Grains.GetGrain<ICounterGrain>(Tenant, Guid.CreateVersion7());
        var b = Guid.CreateVersion7();

        Assert.Equal(7, await a.BounceAsync(b, 7));
    }

    [Fact]
    public async Task CallCycleWithoutReentrancePathTimesOutNamingGrainAndMethod()
    {
        var aKey = Guid.CreateVersion7();
        var bKey = Guid.CreateVersion7();
        var a = Silo.Grains.GetGrain<ICounterGrain>(Tenant, aKey);
        var b = Silo.Grains.GetGrain<ICounterGrain>(Tenant, bKey);
        var meeting = Guid.NewGuid();

        // Two independent requests: each grain is inside its own turn when it calls the other.
        var fromA = Assert.ThrowsAsync<GrainCallTimeoutException>(() => a.MeetThenPingAsync(meeting, 2, bKey));
        var fromB = Assert.ThrowsAsync<GrainCallTimeoutException>(() => b.MeetThenPingAsync(meeting, 2, aKey));

        foreach (var error in await Task.WhenAll(fromA, fromB))
        {
            Assert.Contains("ICounterGrain.", error.Message, StringComparison.Ordinal);
            Assert.Contains("PingAsync", error.Message, StringComparison.Ordinal);
            Assert.Contains("test_counter/", error.Message, StringComparison.Ordinal);
        }

        // Once the timed-out turns have unwound, both grains serve calls again.
        await Eventually.ReturnsAsync(() => AnswerOrZeroAsync(a), value => value > 0);
        await Eventually.ReturnsAsync(() => AnswerOrZeroAsync(b), value => value > 0);

        static async Task<long> AnswerOrZeroAsync(ICounterGrain grain)
        {
            try
            {
                return await grain.IncrementAsync();
            }
            catch (GrainCallTimeoutException)
            {
                return 0;
            }
        }
    }

    [Fact]
    public async Task CallChainThatOutlivedItsTurnQueuesInsteadOfReEntering()
    {
        var aKey = Guid.CreateVersion7();
        var a = Silo.Grains.GetGrain<ICounterGrain>(Tenant, aKey);
        var callBack = Guid.NewGuid();
        var hold = Guid.NewGuid();

        // A's turn ends at once, but the call it left behind still carries that turn in its chain.
        await a.StartDetachedCallBackAsync(Guid.CreateVersion7(), callBack);
        var holding = a.HoldAsync(hold);
        await Rendezvous.ArriveAsync(callBack, 2);

        // The call back must wait for the writer inside A, not join it.
        var catalog = Silo.Services.GetRequiredService<Catalog>();
        var activation = catalog.Snapshot().Single(x => x.GrainId == a.GetGrainId());
        await Eventually.TrueAsync(() => activation.QueueLength == 1 || CounterGrain.ProbesSeen.ContainsKey(a.GetGrainId()));
        await Rendezvous.ArriveAsync(hold, 2);
        await holding;

        var seen = await Eventually.ReturnsAsync(() => Task.FromResult(CounterGrain.ProbesSeen.GetValueOrDefault(a.GetGrainId(), -1)), v => v >= 0);
        Assert.Equal(0, seen);
    }

    [Fact]
    public async Task TimerTicksRunAsTurnsAndNeverOverlap()
    {
        var counter = Silo.Grains.GetGrain<ICounterGrain>(Tenant, Guid.CreateVersion7());
        await counter.StartTickingAsync(TimeSpan.FromMilliseconds(20));

        var report = await Eventually.ReturnsAsync(counter.GetTicksAsync, r => r.Ticks >= 5);

        Assert.Equal(1, report.MaxConcurrent);
    }
}
