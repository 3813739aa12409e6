using System.Reflection;
using M3CoreCRM.Runtime.Activations;
using M3CoreCRM.Runtime.Cluster;
using M3CoreCRM.Runtime.Events;
using M3CoreCRM.Runtime.Grains;
using M3CoreCRM.Runtime.Persistence;
using M3CoreCRM.Runtime.Reminders;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace M3CoreCRM.Runtime.Hosting;

/// <summary>Registers a silo's grain runtime: catalog, grain factory, storage, reminders, events.</summary>
public static class GrainRuntimeSetup
{
    /// <summary>
    /// The runtime with PostgreSQL storage (an <c>NpgsqlDataSource</c> must be registered) hosting
    /// the grain classes of <paramref name="grainAssemblies"/>.
    /// </summary>
    public static IServiceCollection AddGrainRuntime(this IServiceCollection services, IConfiguration configuration, params Assembly[] grainAssemblies)
    {
        services.AddOptions<GrainRuntimeOptions>().Bind(configuration.GetSection(GrainRuntimeOptions.Section));
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IStorageGate, OpenStorageGate>();
        services.TryAddSingleton<IGrainStorage, PostgresGrainStorage>();
        services.TryAddSingleton<IReminderRegistry, PostgresReminderRegistry>();
        services.AddSingleton(new GrainTypeRegistry(grainAssemblies));
        services.AddSingleton<Catalog>();
        services.AddSingleton<IGrainFactory>(sp => new GrainFactory(sp.GetRequiredService<GrainTypeRegistry>(), sp.GetRequiredService<Catalog>()));

        // In a cluster, membership and leases start first and stop last: activations retire (and may still write) under a held lease.
        var cluster = configuration.GetSection(ClusterOptions.Section);
        services.AddOptions<ClusterOptions>().Bind(cluster);
        if (cluster.GetValue<bool>(nameof(ClusterOptions.Enabled)))
        {
            services.AddSingleton<ClusterMembership>();
            services.AddHostedService(sp => sp.GetRequiredService<ClusterMembership>());
            services.AddSingleton<TenantLeases>();
            services.AddSingleton<IWriteFence>(sp => sp.GetRequiredService<TenantLeases>());
            services.AddHostedService(sp => sp.GetRequiredService<TenantLeases>());
            services.AddSingleton<GrainCallHandler>();
        }
        else
        {
            services.TryAddSingleton<IWriteFence, SingleSilo>();
        }

        // Stopped in reverse order: events and reminders first, then every activation retires.
        services.AddHostedService<CatalogLifetime>();
        services.AddHostedService<ActivationCollector>();
        services.AddHostedService<ReminderService>();
        services.AddSingleton<EventNotifications>();
        services.AddHostedService(sp => sp.GetRequiredService<EventNotifications>());
        services.AddSingleton<EventAnnouncer>();
        services.AddHostedService(sp => sp.GetRequiredService<EventAnnouncer>());
        services.AddSingleton<TenantEventLog>();
        if (cluster.GetValue<bool>(nameof(ClusterOptions.Enabled)))
        {
            services.AddHostedService<ClusterDeparture>();
        }

        return services;
    }

    /// <summary>
    /// A process that hosts no silo and sends every grain call to the silo that owns the tenant
    /// (<c>M3_SILO=remote</c>). Needs an <c>NpgsqlDataSource</c> (membership, events) and the cluster secret.
    /// </summary>
    public static IServiceCollection AddGrainClient(this IServiceCollection services, IConfiguration configuration, string clusterSecret, params Assembly[] grainAssemblies)
    {
        services.AddOptions<GrainRuntimeOptions>().Bind(configuration.GetSection(GrainRuntimeOptions.Section));
        services.AddOptions<ClusterOptions>().Bind(configuration.GetSection(ClusterOptions.Section));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IStorageGate, OpenStorageGate>();
        services.AddSingleton(new GrainTypeRegistry(grainAssemblies));
        services.AddSingleton<ClusterView>();
        services.AddHostedService(sp => sp.GetRequiredService<ClusterView>());
        services.AddSingleton<IGrainFactory>(sp =>
        {
            var timeout = sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<GrainRuntimeOptions>>().Value.CallTimeout + TimeSpan.FromSeconds(5);
            var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = timeout };
            return new GrainFactory(sp.GetRequiredService<GrainTypeRegistry>(), new RemoteGrainRouter(sp.GetRequiredService<ClusterView>(), http, clusterSecret));
        });
        services.AddSingleton<EventNotifications>();
        services.AddHostedService(sp => sp.GetRequiredService<EventNotifications>());
        services.AddSingleton<TenantEventLog>();
        return services;
    }

    /// <summary>In-memory state and reminders: for unit tests of grain logic only.</summary>
    public static IServiceCollection UseMemoryGrainStorage(this IServiceCollection services)
    {
        services.RemoveAll<IGrainStorage>();
        services.RemoveAll<IReminderRegistry>();
        services.AddSingleton<MemoryGrainStorage>();
        services.AddSingleton<IGrainStorage>(sp => sp.GetRequiredService<MemoryGrainStorage>());
        services.AddSingleton<IReminderRegistry, MemoryReminderRegistry>();
        return services;
    }
}
