using M3CoreCRM.Silo.Storage;
using M3CoreCRM.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace M3CoreCRM.Tests.Storage;

[Collection(PostgresCollection.Name)]
public sealed class MigrationRunnerTests(PostgresFixture postgres)
{
    private static readonly IReadOnlyList<SchemaMigration> Shipped =
        SchemaMigration.FromEmbeddedResources(typeof(PostgresStorageSetup).Assembly);

    [Fact]
    public async Task FreshDatabaseGetsEveryShippedMigrationRecordedInOrder()
    {
        await using var dataSource = NpgsqlDataSource.Create(await postgres.Server.CreateDatabaseAsync("migrate"));
        var runner = Runner(dataSource, Shipped);

        var applied = await runner.ApplyAsync(CancellationToken.None);

        Assert.NotEmpty(Shipped);
        Assert.Equal(Shipped.Select(m => m.Version), applied);
        Assert.Equal(Shipped.Select(m => m.Version), await RecordedVersionsAsync(dataSource));
        Assert.True(await runner.IsUpToDateAsync(CancellationToken.None));
        await using var events = dataSource.CreateCommand("SELECT count(*) FROM events");
        Assert.Equal(0L, await events.ExecuteScalarAsync());
    }

    [Fact]
    public async Task RunningAgainIsANoOp()
    {
        await using var dataSource = NpgsqlDataSource.Create(await postgres.Server.CreateDatabaseAsync("migrate"));
        await Runner(dataSource, Shipped).ApplyAsync(CancellationToken.None);
        var firstAppliedAt = await AppliedAtAsync(dataSource);

        var second = await Runner(dataSource, Shipped).ApplyAsync(CancellationToken.None);

        Assert.Empty(second);
        Assert.Equal(firstAppliedAt, await AppliedAtAsync(dataSource));
    }

    [Fact]
    public async Task TwoRunnersAtOnceApplyEachMigrationExactlyOnce()
    {
        await using var dataSource = NpgsqlDataSource.Create(await postgres.Server.CreateDatabaseAsync("migrate"));
        // A slow migration keeps the first runner inside its lock while the second one arrives.
        var migrations = Shipped.Append(new SchemaMigration(9001, "slow_counter", """
            SELECT pg_sleep(0.5);
            CREATE TABLE migration_probe (id int PRIMARY KEY);
            INSERT INTO migration_probe VALUES (1);
            """)).ToList();

        var results = await Task.WhenAll(
            Task.Run(() => Runner(dataSource, migrations).ApplyAsync(CancellationToken.None)),
            Task.Run(() => Runner(dataSource, migrations).ApplyAsync(CancellationToken.None)));

        Assert.Equal(migrations.Select(m => m.Version), results.SelectMany(r => r).Order());
        Assert.Equal(migrations.Select(m => m.Version), await RecordedVersionsAsync(dataSource));
        await using var probe = dataSource.CreateCommand("SELECT count(*) FROM migration_probe");
        Assert.Equal(1L, await probe.ExecuteScalarAsync());
    }

    [Fact]
    public async Task AFailingMigrationLeavesNothingOfItselfBehind()
    {
        await using var dataSource = NpgsqlDataSource.Create(await postgres.Server.CreateDatabaseAsync("migrate"));
        var broken = Shipped.Append(new SchemaMigration(9002, "half_broken", """
            CREATE TABLE half_made (id int PRIMARY KEY);
            SELECT no_such_function();
            """)).ToList();

        await Assert.ThrowsAsync<PostgresException>(() => Runner(dataSource, broken).ApplyAsync(CancellationToken.None));

        Assert.Equal(Shipped.Select(m => m.Version), await RecordedVersionsAsync(dataSource));
        await using var table = dataSource.CreateCommand("SELECT to_regclass('half_made') IS NULL");
        Assert.Equal(true, await table.ExecuteScalarAsync());
    }

    [Fact]
    public async Task AMigrationEditedAfterItWasAppliedIsRefused()
    {
        await using var dataSource = NpgsqlDataSource.Create(await postgres.Server.CreateDatabaseAsync("migrate"));
        await Runner(dataSource, Shipped).ApplyAsync(CancellationToken.None);
        var edited = Shipped.Select(m => m.Version == Shipped[0].Version ? m with { Sql = m.Sql + "\n-- edited" } : m).ToList();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Runner(dataSource, edited).ApplyAsync(CancellationToken.None));

        Assert.Contains("was changed after it was applied", error.Message, StringComparison.Ordinal);
    }

    private static MigrationRunner Runner(NpgsqlDataSource dataSource, IReadOnlyList<SchemaMigration> migrations) =>
        new(dataSource, migrations, NullLogger<MigrationRunner>.Instance);

    private static async Task<List<int>> RecordedVersionsAsync(NpgsqlDataSource dataSource)
    {
        var versions = new List<int>();
        await using var command = dataSource.CreateCommand("SELECT version FROM schema_migrations ORDER BY version");
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            versions.Add(reader.GetInt32(0));
        }

        return versions;
    }

    private static async Task<DateTime> AppliedAtAsync(NpgsqlDataSource dataSource)
    {
        await using var command = dataSource.CreateCommand("SELECT max(applied_at) FROM schema_migrations");
        return (DateTime)(await command.ExecuteScalarAsync())!;
    }
}
