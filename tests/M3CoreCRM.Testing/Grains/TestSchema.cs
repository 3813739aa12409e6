using Npgsql;

namespace M3CoreCRM.Testing.Grains;

/// <summary>The state tables of the test grains, laid out as every grain table is: (tenant_id, id) key, version, jsonb state, generated typed columns.</summary>
public static class TestSchema
{
    public const string CounterTable = "test_counters";

    public static async Task EnsureAsync(NpgsqlDataSource dataSource)
    {
        await using var command = dataSource.CreateCommand($"""
            CREATE TABLE IF NOT EXISTS {CounterTable} (
                tenant_id uuid   NOT NULL,
                id        uuid   NOT NULL,
                version   bigint NOT NULL,
                state     jsonb  NOT NULL,
                value     bigint GENERATED ALWAYS AS ((state ->> 'value')::bigint) STORED,
                PRIMARY KEY (tenant_id, id))
            """);
        await command.ExecuteNonQueryAsync();
    }
}
