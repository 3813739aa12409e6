using System.Net;
using System.Text.Json;
using M3CoreCRM.Grains.Abstractions.Events;
using M3CoreCRM.Grains.Approvals;
using M3CoreCRM.Grains.Billing;
using M3CoreCRM.Grains.Events;
using M3CoreCRM.Grains.Notifications;
using M3CoreCRM.Grains.Persistence;
using M3CoreCRM.Silo.Integrations;
using M3CoreCRM.Silo.Storage;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Providers;
using Orleans.Serialization;

namespace M3CoreCRM.Silo.Hosting;

/// <summary>
/// Where this process's grain calls run: an Orleans silo in this process (the one-machine mode, and the Silo
/// process of a cluster), or the cluster's silos (<c>M3_SILO=remote</c>: an Orleans client).
/// </summary>
public static class SiloSetup
{
    public const string ModeKey = "M3_SILO";

    /// <summary>The configuration section of Orleans' settings (<c>Orleans__ClusterId</c>, <c>Orleans__SiloPort</c>, ...).</summary>
    public const string Section = "Orleans";

    /// <summary>
    /// An Orleans silo in this process with the domain grains: the "crm" storage, ADO.NET reminders on
    /// PostgreSQL, the tenant call filter, and the event log services. Needs <see cref="PostgresStorageSetup.AddM3Postgres"/>.
    /// Membership is ADO.NET clustering on PostgreSQL when <c>Orleans:MembershipTable</c> is <c>postgres</c>, otherwise this one silo alone.
    /// </summary>
    public static IHostApplicationBuilder AddM3Silo(this IHostApplicationBuilder builder)
    {
        builder.AddM3SiloServices();
        CachedGrainInterfaceTypes.AddTo(builder.Services);

        // The web server listens while the silo waits for the schema (see SchemaGate), so the process is live from the start.
        builder.Services.Configure<HostOptions>(options => options.ServicesStartConcurrently = true);
        var operations = Operations.Settings(builder);
        builder.UseOrleans(silo =>
        {
            ConfigureMembership(silo.ConfigureM3Silo(), builder.Configuration.GetSection(Section));
            silo.ConfigureM3ClusterHosting(builder.Configuration);
            silo.AddM3Dashboard(operations);
            if (operations.Otlp)
            {
                silo.AddActivityPropagation();
            }
        });

        // After the silo: it is started before, and stopped after, the sweep that calls its grains.
        builder.Services.AddHostedService<NotificationSweep>();
        builder.AddM3DeliveryWorker();
        return builder;
    }

    /// <summary>What a silo's host holds besides Orleans: the schema gate, the services grains take, the event log. Needs <see cref="PostgresStorageSetup.AddM3Postgres"/>.</summary>
    public static IHostApplicationBuilder AddM3SiloServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<IStorageGate>(services => services.GetRequiredService<SchemaMigrationService>());
        builder.Services.TryAddSingleton<ApprovalGate>();
        builder.AddM3Integrations();
        builder.Services.AddSingleton<NotificationDispatcher>();
        builder.Services.AddEventLog(publish: true);
        builder.Services.AddSingleton<LegacyReminderImport>();
        return builder;
    }

    /// <summary>
    /// The silo as the product configures it, membership aside (the process chooses it; a test cluster brings its own):
    /// the "crm" storage, ADO.NET reminders on PostgreSQL, the schema gate, the tenant call filter, Orleans' options
    /// from the <c>Orleans</c> section.
    /// </summary>
    public static ISiloBuilder ConfigureM3Silo(this ISiloBuilder silo)
    {
        var settings = silo.Configuration.GetSection(Section);
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, SchemaGate>();
        silo.Services.AddSingleton<Orleans.Metadata.IGrainTypeProvider, DashboardGrainTypes>();
        silo.Configure<SiloMessagingOptions>(settings.GetSection("Messaging"));
        silo.Configure<GrainCollectionOptions>(settings.GetSection("Collection"));
        silo.Services.AddGrainStorage(CrmStorage.Name, (services, _) => ActivatorUtilities.CreateInstance<CrmGrainStorage>(services));
        silo.UseAdoNetReminderService((OptionsBuilder<AdoNetReminderTableOptions> reminders) => reminders.Configure<PostgresServer>((options, server) =>
        {
            options.Invariant = AdoNetInvariant;
            options.ConnectionString = server.ConnectionString;
        }));
        silo.Configure<ReminderOptions>(settings.GetSection("ReminderOptions"));
        silo.Configure<BillingPlans>(silo.Configuration.GetSection(BillingPlans.Section));
        silo.AddIncomingGrainCallFilter<TenantCallFilter>();
        if (!string.Equals(settings[TenantPlacement.SettingKey], "orleans", StringComparison.OrdinalIgnoreCase))
        {
            // Registered after Orleans' default (resource-optimised placement), so it is the one resolved.
            silo.Services.AddSingleton<PlacementStrategy, TenantPlacement>();
            silo.AddPlacementDirector<TenantPlacement, TenantPlacementDirector>();
            silo.AddIncomingGrainCallFilter<TenantRebalanceFilter>();
        }

        silo.Services.AddSerializer(AddJsonElement);
        silo.AddMemoryStreams(EventStreams.Provider, streams =>
        {
            streams.ConfigurePartitioning(LiveStreamQueues);
            streams.ConfigurePullingAgent(agent => agent.Configure(options => options.GetQueueMsgsTimerPeriod = LiveStreamPollPeriod));
        });

        // Who listens to which tenant's stream: API hosts listen while they have stream subscribers, and subscribe
        // afresh when a silo holding these records went away (TenantEventLog.SubscribeAsync), so memory is enough.
        silo.AddMemoryGrainStorage(ProviderConstants.DEFAULT_PUBSUB_PROVIDER_NAME);
        return silo;
    }

    /// <summary>
    /// How often the live stream's queues are read. Orleans' default (100 ms) would be most of the time between a
    /// write's acknowledgement and its event reaching a browser. Measured on 2026-12-05, from the relay's OnNextAsync
    /// to the API host's subscription: p50 5.6 ms when read every 5 ms, 2.1 ms every 2 ms. Reading is cheap once idle
    /// workers no longer spin (the hosts' UnfairSemaphoreSpinLimit): an idle host used 8.0 % of a core, then 8.75 %.
    /// </summary>
    public static readonly TimeSpan LiveStreamPollPeriod = TimeSpan.FromMilliseconds(2);

    /// <summary>
    /// Queues of the live stream in the cluster, each read by one silo's pulling agent: half Orleans' default, so that
    /// the cluster's reads stay at 2,000 a second, however many silos share them.
    /// </summary>
    public const int LiveStreamQueues = 4;

    /// <summary>What an Orleans client of the cluster needs besides its clustering: the JsonElement codec and the live event streams.</summary>
    public static IClientBuilder ConfigureM3Client(this IClientBuilder client)
    {
        client.Services.AddSerializer(AddJsonElement);
        client.AddMemoryStreams(EventStreams.Provider, streams => streams.ConfigurePartitioning(LiveStreamQueues));
        return client;
    }

    /// <summary>JsonElement (approval inputs, widget parameters, geometries) crosses grain calls as its JSON text: silos and clients both need it.</summary>
    public static void AddJsonElement(ISerializerBuilder serializer) =>
        serializer.AddJsonSerializer(isSupported: type => type == typeof(JsonElement));

    /// <summary>An in-process silo by default; with <c>M3_SILO=remote</c>, no silo here and every grain call goes to the cluster.</summary>
    public static IHostApplicationBuilder AddM3Grains(this IHostApplicationBuilder builder)
    {
        if (!string.Equals(builder.Configuration[ModeKey], "remote", StringComparison.OrdinalIgnoreCase))
        {
            return builder.AddM3Silo();
        }

        var settings = builder.Configuration.GetSection(Section);
        builder.Services.AddSingleton<IStorageGate>(services => services.GetRequiredService<SchemaMigrationService>());
        builder.Services.AddEventLog(publish: false);
        CachedGrainInterfaceTypes.AddTo(builder.Services);
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(options => Identify(options, settings));
            client.UseAdoNetClustering((OptionsBuilder<AdoNetClusteringClientOptions> clustering) => clustering.Configure<PostgresServer>((options, server) =>
            {
                options.Invariant = AdoNetInvariant;
                options.ConnectionString = server.ConnectionString;
            }));
            client.Configure<ClientMessagingOptions>(settings.GetSection("Messaging"));
            var gatewayLoss = new GatewayLossWatch();
            client.AddClusterConnectionStatusObserver(gatewayLoss);
            client.AddOutgoingGrainCallFilter(gatewayLoss);
            client.ConfigureM3Client();
            client.ConfigureM3ClusterHosting(builder.Configuration);
            if (Operations.Settings(builder).Otlp)
            {
                client.AddActivityPropagation();
            }
        });
        return builder;
    }

    private const string AdoNetInvariant = "Npgsql";

    /// <summary>The membership probe timeout of the product's silos (<c>Orleans__Membership__ProbeTimeout</c> overrides it).</summary>
    public static readonly TimeSpan DefaultProbeTimeout = TimeSpan.FromSeconds(2);

    private static void ConfigureMembership(ISiloBuilder silo, IConfigurationSection settings)
    {
        var siloPort = settings.GetValue("SiloPort", EndpointOptions.DEFAULT_SILO_PORT);
        var gatewayPort = settings.GetValue("GatewayPort", EndpointOptions.DEFAULT_GATEWAY_PORT);
        if (!string.Equals(settings["MembershipTable"], "postgres", StringComparison.OrdinalIgnoreCase))
        {
            // One machine: this silo is the whole cluster; its gateway serves nobody unless a port is asked for.
            silo.UseLocalhostClustering(siloPort, settings.GetValue("GatewayPort", 0), serviceId: ServiceId(settings), clusterId: ClusterId(settings));
            return;
        }

        silo.Configure<ClusterOptions>(options => Identify(options, settings));
        silo.Configure<EndpointOptions>(options =>
        {
            options.SiloPort = siloPort;
            options.GatewayPort = gatewayPort;
            options.AdvertisedIPAddress = settings["AdvertisedIP"] is { Length: > 0 } advertised ? IPAddress.Parse(advertised) : IPAddress.Loopback;
            options.SiloListeningEndpoint = new IPEndPoint(IPAddress.Any, siloPort);
            options.GatewayListeningEndpoint = new IPEndPoint(IPAddress.Any, gatewayPort);
        });
        silo.UseAdoNetClustering((OptionsBuilder<AdoNetClusteringSiloOptions> clustering) => clustering.Configure<PostgresServer>((options, server) =>
        {
            options.Invariant = AdoNetInvariant;
            options.ConnectionString = server.ConnectionString;
        }));
        silo.Configure<ClusterMembershipOptions>(options =>
        {
            // A killed silo's grains must answer from the survivors within 10 s (ARCHITECTURE rule 7); Orleans' defaults
            // (5 s probes, 3 missed) take 12-16 s on this machine kind, 2 s probes about 3 s. Settings still override these.
            options.ProbeTimeout = DefaultProbeTimeout;
            options.NumMissedProbesLimit = 3;
        });
        silo.Configure<ClusterMembershipOptions>(settings.GetSection("Membership"));
    }

    private static void Identify(ClusterOptions options, IConfigurationSection settings)
    {
        options.ClusterId = ClusterId(settings);
        options.ServiceId = ServiceId(settings);
    }

    private static string ClusterId(IConfigurationSection settings) => settings["ClusterId"] is { Length: > 0 } id ? id : "m3crm";

    private static string ServiceId(IConfigurationSection settings) => settings["ServiceId"] is { Length: > 0 } id ? id : "m3crm";

    private static IServiceCollection AddEventLog(this IServiceCollection services, bool publish)
    {
        services.AddSingleton<TenantEventLog>();
        if (publish)
        {
            services.AddSingleton<EventPublisher>();
            services.AddSingleton<EventRelayCalls>();
            services.AddHostedService<EventRelaySweeper>();
        }

        return services;
    }
}
