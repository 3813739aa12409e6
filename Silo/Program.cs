using M3CoreCRM.Silo.Hosting;
using M3CoreCRM.Silo.Storage;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;

namespace M3CoreCRM.Silo;

/// <summary>The silo process: hosts grain activations, with an internal HTTP endpoint for health (and, in a cluster, for grain calls).</summary>
internal static class Program
{
    public static void Main(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);

        builder.AddM3Postgres();
        builder.AddM3Silo();

        var app = builder.Build();

        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains(StorageHealthCheck.ReadyTag) });

        app.Run();
    }
}
