using M3CoreCRM.Runtime.Grains;
using M3CoreCRM.Runtime.Hosting;
using M3CoreCRM.Silo.Hosting;
using M3CoreCRM.Silo.Storage;
using M3CoreCRM.Testing.Grains;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace M3CoreCRM.Testing;

/// <summary>A silo in this process against a test database, with the test grains: for runtime tests and benchmarks.</summary>
public sealed class TestSilo : IAsyncDisposable
{
    private readonly IHost _host;

    private TestSilo(IHost host)
    {
        _host = host;
    }

    public IServiceProvider Services => _host.Services;

    public IGrainFactory Grains => _host.Services.GetRequiredService<IGrainFactory>();

    public NpgsqlDataSource DataSource => _host.Services.GetRequiredService<NpgsqlDataSource>();

    public static async Task<TestSilo> StartAsync(string connectionString, Action<GrainRuntimeOptions>? configure = null, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["ConnectionStrings:" + PostgresStorageSetup.ConnectionStringName] = connectionString;
        builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
        builder.Logging.ClearProviders();
        builder.AddM3Postgres();
        builder.AddM3Silo(typeof(CounterGrain).Assembly);
        builder.Services.Configure<GrainRuntimeOptions>(options =>
        {
            options.ReminderPollInterval = TimeSpan.FromMilliseconds(100);
            configure?.Invoke(options);
        });
        var host = builder.Build();
        await host.StartAsync();
        await host.Services.GetRequiredService<SchemaMigrationService>().WhenReadyAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));
        await TestSchema.EnsureAsync(host.Services.GetRequiredService<NpgsqlDataSource>());
        return new TestSilo(host);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
