using System.Text.Json;
using M3CoreCRM.Grains.Abstractions.Common;
using M3CoreCRM.Grains.Abstractions.Errors;
using M3CoreCRM.Grains.Abstractions.Events;
using M3CoreCRM.Grains.Abstractions.Identity;
using M3CoreCRM.Grains.Abstractions.Inventory;
using M3CoreCRM.Grains.Events;
using M3CoreCRM.Grains.Abstractions.Tenancy;
using M3CoreCRM.Grains.Persistence;
using M3CoreCRM.Testing;
using M3CoreCRM.Testing.Grains;
using M3CoreCRM.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orleans.Storage;

namespace M3CoreCRM.Tests.Storage;

/// <summary>What the product relies on of Orleans and the "crm" storage, on a two-silo test cluster: write-through, fenced writes, events with the state, call chains, tenancy.</summary>
public sealed class GrainStorageTests(CrmClusterFixture cluster) : IClassFixture<CrmClusterFixture>
{
    private readonly Guid _tenant = Guid.CreateVersion7();

    [Fact]
    public async Task DomainRecordsCrossOrleansSerializerBetweenClientAndSilos()
    {
        // The test cluster's client reaches the silos through Orleans' transport, so every argument and result below is
        // serialized; provisioning calls role, pipeline and user grains, which may live on the other silo.
        var ownerId = Guid.CreateVersion7();
        var slug = $"s{Guid.NewGuid():N}"[..20];
        var tenant = await cluster.Grains.GetGrain<ITenantGrain>(_tenant, _tenant)
            .CreateAsync(new CreateTenant("Serialized Realty", slug, new NewTenantOwner(ownerId, "Olivia Owner", $"owner@{slug}.test", "not-a-real-hash")));

        Assert.Equal(slug, tenant.Slug);
        Assert.Equal(TenantStatus.Active, tenant.Status);
        Assert.Contains("owner", tenant.BuiltInRoleIds.Keys);
        Assert.NotEmpty(tenant.LeadStatuses);
        var owner = await cluster.Grains.GetGrain<IUserGrain>(_tenant, ownerId).GetAsync();
        Assert.Equal([tenant.BuiltInRoleIds["owner"]], owner.RoleIds);

        using var geometry = JsonDocument.Parse("""{"type":"Polygon","coordinates":[[[31.2,30.0],[31.3,30.0],[31.3,30.1],[31.2,30.0]]]}""");
        var details = new UnitDetails(
            Guid.CreateVersion7(), "A-101", "2BR", "A", 1,
            new UnitDimensions(120.5m, 2, 2, [new UnitRoom("Living", 40m), new UnitRoom("Bedroom", 20.25m)]),
            [new UnitComponent("PARKING", 1)], new Money(2_500_000m, "EGP"), "north", geometry.RootElement.Clone(), null);
        var unit = cluster.Grains.GetGrain<IUnitGrain>(_tenant, Guid.CreateVersion7());
        await unit.CreateAsync(details);
        var read = await unit.GetAsync();

        Assert.Equal(details.Dimensions.Rooms, read.Dimensions.Rooms);
        Assert.Equal(details.Components, read.Components);
        Assert.Equal(details.ListPrice, read.ListPrice);
        Assert.Equal(geometry.RootElement.GetRawText(), read.Geometry?.GetRawText());
        var missing = await Assert.ThrowsAsync<DomainException>(() => cluster.Grains.GetGrain<IUnitGrain>(_tenant, Guid.CreateVersion7()).GetAsync());
        Assert.Equal(("not_found", DomainErrorKind.NotFound), (missing.Code, missing.Kind));
    }

    [Fact]
    public async Task StaleWriteIsRefusedAndTheGrainReloadsTheStoredState()
    {
        var key = Guid.CreateVersion7();
        var counter = cluster.Grains.GetGrain<ICounterGrain>(_tenant, key);
        await counter.IncrementWithEventAsync();
        await OverwriteBehindTheGrainsBackAsync(key, value: 42);

        await Assert.ThrowsAsync<InconsistentStateException>(counter.IncrementWithEventAsync);

        Assert.Equal(42, await counter.GetAsync());
        Assert.Equal(2, await counter.GetVersionAsync());
        Assert.Single(await cluster.PublishedEventsAsync(_tenant));
        Assert.Equal(43, await counter.IncrementAsync());
    }

    [Fact]
    public async Task FirstWriteRacingARowWrittenMeanwhileConflicts()
    {
        var key = Guid.CreateVersion7();
        var counter = cluster.Grains.GetGrain<ICounterGrain>(_tenant, key);
        Assert.Equal(0, await counter.GetVersionAsync());
        await using (var insert = cluster.DataSource.CreateCommand(
            $"INSERT INTO {TestSchema.CounterTable} (tenant_id, id, state, version) VALUES ($1, $2, '{{\"value\": 7}}', 1)"))
        {
            insert.Parameters.AddWithValue(_tenant);
            insert.Parameters.AddWithValue(key);
            await insert.ExecuteNonQueryAsync();
        }

        await Assert.ThrowsAsync<InconsistentStateException>(counter.IncrementAsync);

        Assert.Equal(7, await counter.GetAsync());
        Assert.Equal(8, await counter.IncrementAsync());
    }

    [Fact]
    public async Task EventsAreReadBackInOrderWithNothingMissedWhileWritersCommitConcurrently()
    {
        const int grains = 8;
        const int writesEach = 40;
        var log = cluster.EventLog;
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var seen = new List<StoredEvent>();
        var reader = Task.Run(async () =>
        {
            await foreach (var e in log.SubscribeAsync(_tenant, 0, stop.Token))
            {
                seen.Add(e);
                if (seen.Count == grains * writesEach)
                {
                    break;
                }
            }
        });

        await Task.WhenAll(Enumerable.Range(0, grains).Select(_ => Task.Run(async () =>
        {
            var counter = cluster.Grains.GetGrain<ICounterGrain>(_tenant, Guid.CreateVersion7());
            for (var i = 0; i < writesEach; i++)
            {
                await counter.IncrementWithEventAsync();
            }
        })));
        await reader;

        Assert.Equal(Enumerable.Range(1, grains * writesEach).Select(i => (long)i), seen.Select(e => e.Sequence));
        foreach (var perGrain in seen.GroupBy(e => e.EntityId))
        {
            Assert.Equal(Enumerable.Range(1, writesEach), perGrain.Select(e => e.Data.GetProperty("value").GetInt32()));
        }

        Assert.All(seen, e => Assert.Equal("counter.incremented", e.Type));
    }

    [Fact]
    public async Task SubscriberResumesAfterTheLastSequenceItSaw()
    {
        var counter = cluster.Grains.GetGrain<ICounterGrain>(_tenant, Guid.CreateVersion7());
        for (var i = 0; i < 5; i++)
        {
            await counter.IncrementWithEventAsync();
        }

        var resumed = await cluster.PublishedEventsAsync(_tenant, afterSequence: 3);

        Assert.Equal([4L, 5L], resumed.Select(e => e.Sequence));
    }

    [Fact]
    public async Task OtherTenantsEventsAreNotInTheLog()
    {
        var otherTenant = Guid.CreateVersion7();
        await cluster.Grains.GetGrain<ICounterGrain>(otherTenant, Guid.CreateVersion7()).IncrementWithEventAsync();
        await cluster.Grains.GetGrain<ICounterGrain>(_tenant, Guid.CreateVersion7()).IncrementWithEventAsync();

        var mine = await cluster.PublishedEventsAsync(_tenant);

        Assert.Equal(_tenant, Assert.Single(mine).TenantId);
    }

    [Fact]
    public async Task WriteReturnsOnlyAfterItIsCommitted()
    {
        var key = Guid.CreateVersion7();
        var counter = cluster.Grains.GetGrain<ICounterGrain>(_tenant, key);

        Assert.Equal(1, await counter.IncrementAsync());

        await using var read = cluster.DataSource.CreateCommand($"SELECT (state ->> 'value')::bigint, version FROM {TestSchema.CounterTable} WHERE tenant_id = $1 AND id = $2");
        read.Parameters.AddWithValue(_tenant);
        read.Parameters.AddWithValue(key);
        await using var row = await read.ExecuteReaderAsync();
        Assert.True(await row.ReadAsync());
        Assert.Equal(1, row.GetInt64(0));
        Assert.Equal(1, row.GetInt64(1));
    }

    [Fact]
    public async Task CallChainThatComesBackReEntersUnderCallChainReentrancy()
    {
        var a = cluster.Grains.GetGrain<ICounterGrain>(_tenant, Guid.CreateVersion7());

        Assert.Equal(6, await a.BounceAsync(Guid.CreateVersion7(), 6).WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task CallWhoseContextNamesAnotherTenantIsRefused()
    {
        var counter = cluster.Grains.GetGrain<ICounterGrain>(_tenant, Guid.CreateVersion7());
        await counter.IncrementAsync();

        using (CallerContext.Begin(Guid.CreateVersion7(), Guid.CreateVersion7(), "198.51.100.7"))
        {
            var refused = await Assert.ThrowsAsync<DomainException>(counter.GetAsync);
            Assert.Equal(DomainErrorKind.NotFound, refused.Kind);
        }

        using (CallerContext.Begin(_tenant, Guid.CreateVersion7(), "198.51.100.7"))
        {
            Assert.Equal(1, await counter.GetAsync());
        }
    }

    private async Task OverwriteBehindTheGrainsBackAsync(Guid key, long value)
    {
        await using var update = cluster.DataSource.CreateCommand(
            $"UPDATE {TestSchema.CounterTable} SET state = jsonb_set(state, '{{value}}', to_jsonb($3::bigint)), version = version + 1 WHERE tenant_id = $1 AND id = $2");
        update.Parameters.AddWithValue(_tenant);
        update.Parameters.AddWithValue(key);
        update.Parameters.AddWithValue(value);
        Assert.Equal(1, await update.ExecuteNonQueryAsync());
    }
}
