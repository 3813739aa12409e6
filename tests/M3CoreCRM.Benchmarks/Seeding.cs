using Npgsql;

namespace M3CoreCRM.Benchmarks;

/// <summary>Rows written straight into a grain table, as the grain would store them: for data sets too large to create through the API in a benchmark.</summary>
internal static class Seeding
{
    /// <summary>Inserts one tenant's rows (id and JSON state, version 1) in one transaction, under the tenant's row-level security.</summary>
    public static async Task InsertStatesAsync(NpgsqlDataSource dataSource, Guid tenantId, string table, Guid[] ids, string[] states)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using var batch = new NpgsqlBatch(connection, transaction);
        var scope = new NpgsqlBatchCommand("SELECT set_config('m3.tenant_id', $1, true)");
        scope.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenantId.ToString() });
        batch.BatchCommands.Add(scope);
        var insert = new NpgsqlBatchCommand($"INSERT INTO {table} (tenant_id, id, version, state) SELECT $1, id, 1, state FROM unnest($2::uuid[], $3::jsonb[]) AS s(id, state)");
        insert.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = tenantId });
        insert.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = ids });
        insert.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = states, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Jsonb });
        batch.BatchCommands.Add(insert);
        await batch.ExecuteNonQueryAsync();
        await transaction.CommitAsync();
    }
}
