using M3CoreCRM.Grains.Abstractions.Events;
using M3CoreCRM.Grains.Abstractions.Tenancy;
using M3CoreCRM.Grains.Events;
using M3CoreCRM.Grains.Persistence;
using M3CoreCRM.Silo.Storage;
using M3CoreCRM.Testing;
using M3CoreCRM.Testing.Grains;
using M3CoreCRM.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace M3CoreCRM.Tests.Storage;

/// <summary>
/// A database of the system before the move onto Orleans (migrations 0001-0013, rows as its runtime wrote them:
/// state, events, a pending reminder) opened by the system on Orleans: every record, event and reminder is still there.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class UpgradeTests(PostgresFixture postgres)
{
    private const int LastMigrationBeforeOrleans = 13;

    [Fact]
    public async Task DatabaseOfTheRuntimeBeforeOrleansKeepsEveryRecordEventAndReminder()
    {
        var database = await postgres.Server.CreateDatabaseAsync("upgrade");
        var tenant = Guid.CreateVersion7();
        var key = Guid.CreateVersion7();
        await using (var dataSource = NpgsqlDataSource.Create(database))
        {
            var before = SchemaMigration.FromEmbeddedResources(typeof(PostgresStorageSetup).Assembly).Where(m => m.Version <= LastMigrationBeforeOrleans).ToList();
            await new MigrationRunner(dataSource, before, NullLogger<MigrationRunner>.Instance).ApplyAsync(CancellationToken.None);
            await TestSchema.EnsureAsync(dataSource);
            await using var batch = dataSource.ForSystem();
            batch.Add($"INSERT INTO {TestSchema.CounterTable} (tenant_id, id, state, version) VALUES ($1, $2, '{{\"value\": 5, \"remindersFired\": 0}}', 3)").With(tenant).With(key);
            batch.Add("INSERT INTO event_sequences (tenant_id, last_seq) VALUES ($1, 2)").With(tenant);
            batch.Add("""
                INSERT INTO events (tenant_id, seq, type, entity_type, entity_id, data)
                VALUES ($1, 1, 'counter.incremented', 'counter', $2, '{"value": 4}'), ($1, 2, 'counter.incremented', 'counter', $2, '{"value": 5}')
                """).With(tenant).With(key);
            batch.Add("INSERT INTO reminders (tenant_id, grain_type, grain_key, name, due_at) VALUES ($1, 'test_counter', $2, 'test', now() - interval '1 minute')").With(tenant).With(key);
            await batch.ExecuteNonQueryAsync();
        }

        await using var silo = await TestSilo.StartAsync(database);
        var counter = silo.Grains.GetGrain<ICounterGrain>(tenant, key);

        Assert.Equal(5, await counter.GetAsync());
        Assert.Equal(3, await counter.GetVersionAsync());
        var events = await silo.Services.GetRequiredService<TenantEventLog>().ReadAsync(tenant, 0, 10, CancellationToken.None);
        Assert.Equal([1L, 2L], events.Select(e => e.Sequence));
        Assert.Equal(1, await Eventually.ReturnsAsync(counter.GetRemindersFiredAsync, fired => fired >= 1, TimeSpan.FromSeconds(30)));
        await using var legacy = silo.DataSource.ForSystem();
        legacy.Add("SELECT count(*) FROM reminders");
        Assert.Equal(0L, await legacy.ScalarAsync(CancellationToken.None));
        Assert.Equal(6, await counter.IncrementWithEventAsync());
        await silo.Grains.GetGrain<IEventRelayGrain>(tenant, tenant).PublishAsync();
        Assert.Equal(3L, (await silo.Services.GetRequiredService<TenantEventLog>().ReadAsync(tenant, 2, 10, CancellationToken.None)).Single().Sequence);
    }
}
