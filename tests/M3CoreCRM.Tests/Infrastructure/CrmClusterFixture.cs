using M3CoreCRM.Grains.Abstractions.Events;
using M3CoreCRM.Grains.Abstractions.Tenancy;
using M3CoreCRM.Grains.Events;
using M3CoreCRM.Silo.Hosting;
using M3CoreCRM.Silo.Storage;
using M3CoreCRM.Testing;
using M3CoreCRM.Testing.Grains;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orleans.Serialization;
using Orleans.TestingHost;

namespace M3CoreCRM.Tests.Infrastructure;

/// <summary>
/// Two silos on Orleans' TestingHost, configured as the product's (the "crm" storage, ADO.NET reminders, the tenant
/// call filter), over a PostgreSQL of their own; grain calls come from the test cluster's client, so arguments and
/// results cross Orleans' serializer, and grains may land on either silo.
/// </summary>
public sealed class CrmClusterFixture : IAsyncLifetime
{
    private TestPostgres? _postgres;
    private InProcessTestCluster? _cluster;

    public InProcessTestCluster Cluster => _cluster ?? throw new InvalidOperationException("The cluster has not started.");

    public IGrainFactory Grains => Cluster.Client;

    public NpgsqlDataSource DataSource { get; private set; } = null!;

    /// <summary>The connection string of the cluster's database.</summary>
    public string Database { get; private set; } = "";

    public TenantEventLog EventLog => Cluster.Silos[0].ServiceProvider.GetRequiredService<TenantEventLog>();

    /// <summary>The tenant's events as the log has them once its relay has numbered everything committed so far.</summary>
    public async Task<IReadOnlyList<StoredEvent>> PublishedEventsAsync(Guid tenantId, long afterSequence = 0)
    {
        await Grains.GetGrain<IEventRelayGrain>(tenantId, tenantId).PublishAsync();
        return await EventLog.ReadAsync(tenantId, afterSequence, 1000, CancellationToken.None);
    }

    public async Task InitializeAsync()
    {
        _postgres = await TestPostgres.StartAsync();
        Database = await _postgres.CreateDatabaseAsync("cluster");
        _cluster = await StartClusterAsync(Database, silos: 2);
        DataSource = NpgsqlDataSource.Create(Database);
        await TestSchema.EnsureAsync(DataSource);
    }

    /// <summary>A test cluster configured as the product's, over <paramref name="database"/>.</summary>
    public static async Task<InProcessTestCluster> StartClusterAsync(string database, int silos)
    {
        var settings = OrleansTestSettings.ForSilo();
        settings["ConnectionStrings:" + PostgresStorageSetup.ConnectionStringName] = database;
        var builder = new InProcessTestClusterBuilder((short)silos);
        builder.ConfigureSiloHost((_, host) =>
        {
            host.Configuration.AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value)));
            host.AddM3Postgres();
            host.AddM3SiloServices();
        });
        builder.ConfigureSilo((_, silo) => silo.ConfigureM3Silo());
        builder.ConfigureClient(client => client.ConfigureM3Client());
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }

        await DataSource.DisposeAsync();
        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }
    }
}
