using System.Diagnostics.Metrics;
using M3CoreCRM.Runtime.Activations;
using M3CoreCRM.Runtime.Diagnostics;
using M3CoreCRM.Runtime.Grains;
using M3CoreCRM.Testing;
using M3CoreCRM.Testing.Grains;
using M3CoreCRM.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace M3CoreCRM.Tests.Runtime;

[Collection(PostgresCollection.Name)]
public sealed class ActivationLifecycleTests(PostgresFixture postgres)
{
    private static readonly Guid Tenant = Guid.CreateVersion7();

    [Fact]
    public async Task IdleActivationIsCollectedAndTheNextCallActivatesItFromStoredState()
    {
        await using var silo = await TestSilo.StartAsync(await postgres.Server.CreateDatabaseAsync("lifecycle"), options =>
        {
            options.IdleTimeout = TimeSpan.FromMilliseconds(200);
            options.CollectionInterval = TimeSpan.FromMilliseconds(50);
        });
        var key = Guid.CreateVersion7();
        var counter = silo.Grains.GetGrain<ICounterGrain>(Tenant, key);
        await counter.IncrementAsync();
        var grainId = new GrainId("test_counter", Tenant, key);

        await Eventually.TrueAsync(() => CounterGrain.Deactivated.TryGetValue(grainId, out var reason) && reason == DeactivationReason.Idle);

        Assert.False(silo.Services.GetRequiredService<Catalog>().IsActive(grainId));
        Assert.Equal(2, await counter.IncrementAsync());
    }

    [Fact]
    public async Task PastTheBoundTheLeastRecentlyUsedActivationsGoFirst()
    {
        await using var silo = await TestSilo.StartAsync(await postgres.Server.CreateDatabaseAsync("lifecycle"), options =>
        {
            options.MaxActivations = 3;
            options.CollectionInterval = TimeSpan.FromHours(1);
        });
        var catalog = silo.Services.GetRequiredService<Catalog>();
        var keys = Enumerable.Range(0, 5).Select(_ => Guid.CreateVersion7()).ToArray();
        foreach (var key in keys)
        {
            await silo.Grains.GetGrain<ICounterGrain>(Tenant, key).IncrementAsync();
        }

        await Eventually.TrueAsync(() => catalog.Count <= 3);

        Assert.Equal(DeactivationReason.CapacityExceeded, CounterGrain.Deactivated[new GrainId("test_counter", Tenant, keys[0])]);
        Assert.Equal(DeactivationReason.CapacityExceeded, CounterGrain.Deactivated[new GrainId("test_counter", Tenant, keys[1])]);
        Assert.True(catalog.IsActive(new GrainId("test_counter", Tenant, keys[4])));
    }

    [Fact]
    public async Task CallsStorageAndActivationsAreMeasured()
    {
        var measured = new Dictionary<string, double>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == RuntimeMetrics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => Add(instrument, value));
        listener.SetMeasurementEventCallback<int>((instrument, value, _, _) => Add(instrument, value));
        listener.SetMeasurementEventCallback<double>((instrument, value, _, _) => Add(instrument, value));
        listener.Start();
        await using var silo = await TestSilo.StartAsync(await postgres.Server.CreateDatabaseAsync("lifecycle"));

        await silo.Grains.GetGrain<ICounterGrain>(Tenant, Guid.CreateVersion7()).IncrementAsync();
        listener.RecordObservableInstruments();

        lock (measured)
        {
            Assert.True(measured.GetValueOrDefault("m3.grain.calls") >= 1);
            Assert.True(measured.ContainsKey("m3.grain.call.duration"));
            Assert.True(measured.ContainsKey("m3.storage.duration"));
            Assert.True(measured.GetValueOrDefault("m3.grain.activations") >= 1);
            Assert.True(measured.ContainsKey("m3.grain.queue.length"));
        }

        void Add(Instrument instrument, double value)
        {
            lock (measured)
            {
                measured[instrument.Name] = measured.GetValueOrDefault(instrument.Name) + value;
            }
        }
    }
}
