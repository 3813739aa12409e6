using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace M3CoreCRM.Silo.Storage;

/// <summary>Ready when PostgreSQL answers within two seconds and the schema is up to date.</summary>
public sealed class StorageHealthCheck(NpgsqlDataSource dataSource, SchemaMigrationService migrations) : IHealthCheck
{
    public const string ReadyTag = "ready";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!migrations.IsApplied)
        {
            return HealthCheckResult.Unhealthy("Migrations are not applied yet.");
        }

        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(2));
            await using var command = dataSource.CreateCommand("SELECT 1");
            await command.ExecuteScalarAsync(timeout.Token);
            return HealthCheckResult.Healthy();
        }
        catch (Exception exception) when (exception is NpgsqlException or OperationCanceledException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("PostgreSQL did not answer.");
        }
    }
}
