using M3CoreCRM.Silo.Storage;
using M3CoreCRM.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace M3CoreCRM.Tests.Storage;

/// <summary>
/// The columns that lists and filters read are derived from a row's jsonb state by each table's trigger
/// (migration 0021), not by generated columns: what these tests hold is what GENERATED ALWAYS guaranteed before.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class DerivedColumnTests(PostgresFixture postgres)
{
    private static readonly IReadOnlyList<SchemaMigration> Shipped =
        SchemaMigration.FromEmbeddedResources(typeof(PostgresStorageSetup).Assembly);

    [Fact]
    public async Task NoTableKeepsAStoredGeneratedColumnAfterTheShippedMigrations()
    {
        await using var dataSource = await MigratedAsync(Shipped);

        // A generated column costs every write of its table a rebuild of its expression (PostgreSQL 15); a migration
        // that adds one calls m3_derive_from_state for its table.
        await using var generated = dataSource.CreateCommand("""
            SELECT count(*) FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
            WHERE a.attgenerated = 's' AND c.relnamespace = 'public'::regnamespace
            """);
        Assert.Equal(0L, await generated.ExecuteScalarAsync());
        await using var derived = dataSource.CreateCommand("SELECT count(*) FROM m3_derived_columns WHERE table_name = 'leads'");
        Assert.Equal(20L, await derived.ExecuteScalarAsync());
    }

    [Fact]
    public async Task DerivedColumnsFollowTheStateOnInsertAndUpdateAndCannotBeWrittenAround()
    {
        await using var dataSource = await MigratedAsync(Shipped);
        var tenant = Guid.NewGuid();
        var lead = Guid.NewGuid();
        await ExecuteAsync(dataSource, """
            INSERT INTO leads (tenant_id, id, version, state)
            VALUES ($1, $2, 1, '{"name": "Ada Lovelace", "phone": "+971500000001", "status": "new", "statusCategory": "open",
                                 "calls": {"attempts": 2, "lockedUntil": "2026-12-05T10:00:00Z"}, "createdAt": "2026-12-01T08:30:00.5Z"}')
            """, tenant, lead);

        Assert.Equal(
            ("Ada Lovelace", "new", 2, new DateTime(2026, 12, 5, 10, 0, 0, DateTimeKind.Utc), new DateTime(2026, 12, 1, 8, 30, 0, 500, DateTimeKind.Utc), "ada lovelace 971500000001 "),
            await ReadAsync(dataSource, tenant, lead));

        await ExecuteAsync(dataSource, """UPDATE leads SET state = jsonb_set(state, '{status}', '"contacted"') WHERE tenant_id = $1 AND id = $2""", tenant, lead);
        Assert.Equal("contacted", (await ReadAsync(dataSource, tenant, lead)).Status);

        // Written directly, a derived column is computed again from the state, as a generated one could not be written at all.
        await ExecuteAsync(dataSource, "UPDATE leads SET status = 'forged', name = 'Someone Else' WHERE tenant_id = $1 AND id = $2", tenant, lead);
        var afterForgery = await ReadAsync(dataSource, tenant, lead);
        Assert.Equal(("Ada Lovelace", "contacted"), (afterForgery.Name, afterForgery.Status));
    }

    [Fact]
    public async Task AGeneratedColumnThatALaterMigrationAddsIsTakenOverBesideTheTablesOthers()
    {
        var later = Shipped.Append(new SchemaMigration(9101, "unit_note", """
            ALTER TABLE units ADD COLUMN note text GENERATED ALWAYS AS (state ->> 'note') STORED;
            CALL m3_derive_from_state('units');
            """)).ToList();
        await using var dataSource = await MigratedAsync(later);
        var tenant = Guid.NewGuid();
        var unit = Guid.NewGuid();

        await ExecuteAsync(dataSource, """INSERT INTO units (tenant_id, id, version, state) VALUES ($1, $2, 1, '{"code": "A-101", "note": "corner", "floor": 3}')""", tenant, unit);

        await using var read = dataSource.CreateCommand("SELECT code, note, floor FROM units WHERE tenant_id = $1 AND id = $2");
        read.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = tenant });
        read.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = unit });
        await using var reader = await read.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal(("A-101", "corner", 3), (reader.GetString(0), reader.GetString(1), reader.GetInt32(2)));
        await using var generated = dataSource.CreateCommand("SELECT count(*) FROM pg_attribute WHERE attrelid = 'units'::regclass AND attgenerated = 's'");
        Assert.Equal(0L, await generated.ExecuteScalarAsync());
    }

    private async Task<NpgsqlDataSource> MigratedAsync(IReadOnlyList<SchemaMigration> migrations)
    {
        // As the runtime itself (row-level security lets m3.system through), so that rows go straight into the tables.
        var connectionString = new NpgsqlConnectionStringBuilder(await postgres.Server.CreateDatabaseAsync("derived")) { Options = "-c m3.system=on" };
        var dataSource = NpgsqlDataSource.Create(connectionString);
        await new MigrationRunner(dataSource, migrations, NullLogger<MigrationRunner>.Instance).ApplyAsync(CancellationToken.None);
        return dataSource;
    }

    private static async Task ExecuteAsync(NpgsqlDataSource dataSource, string sql, Guid tenant, Guid id)
    {
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = tenant });
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<(string Name, string Status, int CallAttempts, DateTime LockedUntil, DateTime CreatedAt, string Search)> ReadAsync(
        NpgsqlDataSource dataSource, Guid tenant, Guid lead)
    {
        await using var command = dataSource.CreateCommand("SELECT name, status, call_attempts, locked_until, created_at, search FROM leads WHERE tenant_id = $1 AND id = $2");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = tenant });
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = lead });
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        return (reader.GetString(0), reader.GetString(1), reader.GetInt32(2), reader.GetDateTime(3), reader.GetDateTime(4), reader.GetString(5));
    }
}
