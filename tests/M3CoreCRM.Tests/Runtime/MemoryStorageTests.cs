using M3CoreCRM.Runtime.Errors;
using M3CoreCRM.Runtime.Grains;
using M3CoreCRM.Runtime.Hosting;
using M3CoreCRM.Runtime.Persistence;
using M3CoreCRM.Testing.Grains;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace M3CoreCRM.Tests.Runtime;

/// <summary>The memory provider that grain unit tests use keeps PostgreSQL's rules: version fencing and events with the write.</summary>
public sealed class MemoryStorageTests
{
    private static readonly Guid Tenant = Guid.CreateVersion7();

    [Fact]
    public async Task GrainLogicRunsOnMemoryStorageWithEventsRecordedInOrder()
    {
        await using var services = BuildServices();
        var counter = services.GetRequiredService<IGrainFactory>().GetGrain<ICounterGrain>(Tenant, Guid.CreateVersion7());

        await counter.IncrementWithEventAsync();
        await counter.IncrementWithEventAsync();

        var events = services.GetRequiredService<MemoryGrainStorage>().EventsOf(Tenant);
        Assert.Equal([1L, 2L], events.Select(e => e.Sequence));
        Assert.Equal(2, events[1].Data.GetProperty("value").GetInt32());
    }

    [Fact]
    public async Task MemoryStorageFencesWritesByVersion()
    {
        var storage = new MemoryGrainStorage();
        var grainId = new GrainId("test_counter", Tenant, Guid.CreateVersion7());
        Assert.Equal(1, await storage.WriteAsync("t", grainId, "{}", 0, [], CancellationToken.None));

        await Assert.ThrowsAsync<StorageConflictException>(() => storage.WriteAsync("t", grainId, "{}", 0, [], CancellationToken.None));
        await Assert.ThrowsAsync<StorageConflictException>(() => storage.ClearAsync("t", grainId, 2, CancellationToken.None));
    }

    [Fact]
    public void GrainOfNoTenantCannotBeNamed()
    {
        using var services = BuildServices();

        Assert.Throws<ArgumentException>(() => services.GetRequiredService<IGrainFactory>().GetGrain<ICounterGrain>(Guid.Empty, Guid.CreateVersion7()));
    }

    private static ServiceProvider BuildServices() => new ServiceCollection()
        .AddLogging(logging => logging.ClearProviders())
        .AddGrainRuntime(new ConfigurationBuilder().Build(), typeof(CounterGrain).Assembly)
        .UseMemoryGrainStorage()
        .BuildServiceProvider();
}
