using M3CoreCRM.Silo.Hosting;
using M3CoreCRM.Silo.Storage;
using M3CoreCRM.Testing.Grains;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace M3CoreCRM.Testing;

/// <summary>An Orleans silo in this process against a test database, configured as the product's, with the test grains: for storage tests and benchmarks.</summary>
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

    public static async Task<TestSilo> StartAsync(string connectionString, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["ConnectionStrings:" + PostgresStorageSetup.ConnectionStringName] = connectionString;
        builder.Configuration.AddInMemoryCollection(OrleansTestSettings.ForSilo().Select(s => KeyValuePair.Create(s.Key, (string?)s.Value)));
        builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
        builder.Logging.ClearProviders();
        builder.AddM3Postgres();
        builder.AddM3Silo();
        var host = builder.Build();
        await host.StartAsync();
        await TestSchema.EnsureAsync(host.Services.GetRequiredService<NpgsqlDataSource>());
        return new TestSilo(host);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
