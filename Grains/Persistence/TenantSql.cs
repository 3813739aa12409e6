using Npgsql;

namespace M3CoreCRM.Grains.Persistence;

/// <summary>
/// Every query of tenant data runs in a transaction scoped to its tenant: the first statement of
/// its batch sets <c>m3.tenant_id</c> for the transaction, and row-level security on every tenant
/// table lets through only that tenant's rows. A query that forgot the tenant sees nothing. The
/// few jobs that work across tenants (the reminder poller, slug lookup) say so with <c>m3.system</c>.
/// The setting travels in the same round trip as the statement.
/// </summary>
public static class TenantSql
{
    public const string TenantSetting = "m3.tenant_id";
    public const string SystemSetting = "m3.system";

    /// <summary>A batch scoped to the tenant; add the statement with <see cref="Add"/>.</summary>
    public static NpgsqlBatch ForTenant(this NpgsqlDataSource dataSource, Guid tenantId)
    {
        var batch = dataSource.CreateBatch();
        var scope = new NpgsqlBatchCommand($"SELECT set_config('{TenantSetting}', $1, true)");
        scope.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenantId.ToString() });
        batch.BatchCommands.Add(scope);
        return batch;
    }

    /// <summary>A batch for work across tenants, by the runtime itself.</summary>
    public static NpgsqlBatch ForSystem(this NpgsqlDataSource dataSource)
    {
        var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand($"SELECT set_config('{SystemSetting}', 'on', true)"));
        return batch;
    }

    public static NpgsqlBatchCommand Add(this NpgsqlBatch batch, string sql)
    {
        var command = new NpgsqlBatchCommand(sql);
        batch.BatchCommands.Add(command);
        return command;
    }

    public static NpgsqlBatchCommand With<T>(this NpgsqlBatchCommand command, T value)
    {
        command.Parameters.Add(new NpgsqlParameter<T> { TypedValue = value });
        return command;
    }

    /// <summary>Runs the batch and returns a reader on the results of its statement (past the scope's).</summary>
    public static async Task<NpgsqlDataReader> ReadAsync(this NpgsqlBatch batch, CancellationToken cancellationToken)
    {
        var reader = await batch.ExecuteReaderAsync(cancellationToken);
        try
        {
            await reader.NextResultAsync(cancellationToken);
            return reader;
        }
        catch
        {
            // The statement's refusal or cancellation arrives here, after the reader is open; a data source's
            // reader owns its connection, so one not disposed keeps the connection rented for good.
            await reader.DisposeAsync();
            throw;
        }
    }

    /// <summary>Runs the batch and returns the rows its last statement changed.</summary>
    public static async Task<int> ExecuteAsync(this NpgsqlBatch batch, CancellationToken cancellationToken)
    {
        await batch.ExecuteNonQueryAsync(cancellationToken);
        return batch.BatchCommands[^1].RecordsAffected;
    }

    /// <summary>Runs the batch and returns the first column of the first row of its statement, or null.</summary>
    public static async Task<object?> ScalarAsync(this NpgsqlBatch batch, CancellationToken cancellationToken)
    {
        await using var reader = await batch.ReadAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) && !reader.IsDBNull(0) ? reader.GetValue(0) : null;
    }
}
