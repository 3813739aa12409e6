using Npgsql;

namespace M3CoreCRM.Silo.Storage;

/// <summary>
/// Wires PostgreSQL: the configured server (<c>ConnectionStrings:Postgres</c>), or, when none is
/// configured, a local server of our own in the data folder (<c>M3_DATA_DIR</c>, default
/// <c>./.data</c>) that starts with the process and stops with it.
/// </summary>
public static class PostgresStorageSetup
{
    public const string ConnectionStringName = "Postgres";

    public static IHostApplicationBuilder AddM3Postgres(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton(services => PostgresServer.Open(services.GetRequiredService<IConfiguration>()));
        builder.Services.AddSingleton(services =>
        {
            var dataSource = new NpgsqlDataSourceBuilder(services.GetRequiredService<PostgresServer>().ConnectionString) { Name = "m3" };

            // The same few statements run all day (grain reads and writes): prepare them once per connection.
            if (dataSource.ConnectionStringBuilder.MaxAutoPrepare == 0)
            {
                dataSource.ConnectionStringBuilder.MaxAutoPrepare = 200;
            }

            return dataSource.Build();
        });
        builder.Services.AddSingleton(services => new MigrationRunner(
            services.GetRequiredService<NpgsqlDataSource>(),
            SchemaMigration.FromEmbeddedResources(typeof(PostgresStorageSetup).Assembly),
            services.GetRequiredService<ILogger<MigrationRunner>>()));
        builder.Services.AddSingleton<SchemaMigrationService>();
        builder.Services.AddHostedService(services => services.GetRequiredService<SchemaMigrationService>());
        builder.Services.AddHealthChecks().AddCheck<StorageHealthCheck>("storage", tags: [StorageHealthCheck.ReadyTag]);
        return builder;
    }
}

/// <summary>
/// The server this process uses. Created by the container on first use and disposed by it at
/// shutdown, after everything created later (the data source, the silo) is gone.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private readonly LocalPostgres? _local;

    private PostgresServer(string connectionString, LocalPostgres? local)
    {
        ConnectionString = connectionString;
        _local = local;
    }

    public string ConnectionString { get; }

    internal static PostgresServer Open(IConfiguration configuration)
    {
        var configured = configuration.GetConnectionString(PostgresStorageSetup.ConnectionStringName);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return new PostgresServer(configured, null);
        }

        var dataDirectory = configuration["M3_DATA_DIR"] ?? Path.Combine(Directory.GetCurrentDirectory(), ".data");
        var local = LocalPostgres.StartAsync(Path.Combine(dataDirectory, "postgres"), durable: true, deleteOnStop: false, CancellationToken.None)
            .GetAwaiter().GetResult();
        return new PostgresServer(local.ConnectionString, local);
    }

    public async ValueTask DisposeAsync()
    {
        if (_local is not null)
        {
            await _local.DisposeAsync();
        }
    }
}
