using Npgsql;

namespace M3CoreCRM.Testing.Grains;

/// <summary>
/// The state tables of the test grains, laid out as every grain table is: (tenant_id, id) key, version, jsonb state,
/// typed columns derived from the state by the table's trigger (migration 0021; on a database from before it, the
/// migration takes the generated column over when it runs).
/// </summary>
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
                PRIMARY KEY (tenant_id, id));
            DO $$
            BEGIN
                IF to_regprocedure('m3_derive_from_state(regclass)') IS NOT NULL
                   AND EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = '{CounterTable}'::regclass AND attgenerated = 's') THEN
                    CALL m3_derive_from_state('{CounterTable}');
                END IF;
            END
            $$;
            """);
        await command.ExecuteNonQueryAsync();
    }
}
