using System.Reflection;
using M3CoreCRM.Grains;
using M3CoreCRM.Grains.Approvals;
using M3CoreCRM.Grains.Notifications;
using M3CoreCRM.Runtime.Cluster;
using M3CoreCRM.Runtime.Hosting;
using M3CoreCRM.Runtime.Persistence;
using M3CoreCRM.Silo.Storage;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace M3CoreCRM.Silo.Hosting;

/// <summary>Where this process's grain calls run: a silo in this process, or the cluster's silos (<c>M3_SILO=remote</c>).</summary>
public static class SiloSetup
{
    public const string ModeKey = "M3_SILO";
    public const string ClusterSecretKey = "M3_CLUSTER_SECRET";

    /// <summary>
    /// The silo with the domain grains (and any <paramref name="extraGrainAssemblies"/>, for tests).
    /// Needs <see cref="PostgresStorageSetup.AddM3Postgres"/>.
    /// </summary>
    public static IHostApplicationBuilder AddM3Silo(this IHostApplicationBuilder builder, params Assembly[] extraGrainAssemblies)
    {
        builder.Services.AddSingleton<IStorageGate>(services => services.GetRequiredService<SchemaMigrationService>());
        builder.Services.AddGrainRuntime(builder.Configuration, [typeof(GrainsAssembly).Assembly, .. extraGrainAssemblies]);
        builder.Services.TryAddSingleton<ApprovalGate>();
        builder.Services.TryAddSingleton<DevelopmentOutbox>();
        builder.Services.TryAddSingleton<INotificationOutbox>(services => services.GetRequiredService<DevelopmentOutbox>());
        builder.Services.AddSingleton<NotificationDispatcher>();
        builder.Services.AddHostedService(services => services.GetRequiredService<NotificationDispatcher>());
        return builder;
    }

    /// <summary>An in-process silo by default; with <c>M3_SILO=remote</c>, no silo here and every grain call goes to the cluster.</summary>
    public static IHostApplicationBuilder AddM3Grains(this IHostApplicationBuilder builder)
    {
        if (!string.Equals(builder.Configuration[ModeKey], "remote", StringComparison.OrdinalIgnoreCase))
        {
            return builder.AddM3Silo();
        }

        builder.Services.AddSingleton<IStorageGate>(services => services.GetRequiredService<SchemaMigrationService>());
        builder.Services.AddGrainClient(builder.Configuration, ClusterSecret(builder.Configuration), typeof(GrainsAssembly).Assembly);
        builder.Services.AddHealthChecks().AddCheck<ClusterHealthCheck>("cluster", tags: [StorageHealthCheck.ReadyTag]);
        return builder;
    }

    public static string ClusterSecret(IConfiguration configuration) =>
        configuration[ClusterSecretKey] is { Length: >= 16 } secret
            ? secret
            : throw new InvalidOperationException($"{ClusterSecretKey} must be set (16 characters or more) on every silo and remote API host of a cluster.");

    private sealed class ClusterHealthCheck(ClusterView view) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            Task.FromResult(view.Live.Count > 0 ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("No live silo."));
    }
}
