using M3CoreCRM.Runtime.Cluster;
using M3CoreCRM.Silo.Hosting;
using M3CoreCRM.Silo.Storage;

namespace M3CoreCRM.Silo;

/// <summary>
/// The silo process of a cluster: hosts the grain activations of the tenants it owns, and takes
/// grain calls from the API hosts on its internal endpoint (<c>--urls</c>), guarded by the cluster secret.
/// </summary>
internal static class Program
{
    public static void Main(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Configuration["Cluster:Enabled"] ??= "true";
        builder.Configuration["Cluster:Address"] ??= builder.Configuration["urls"]?.Split(';')[0];
        var clusterSecret = SiloSetup.ClusterSecret(builder.Configuration);

        builder.AddM3Postgres();
        builder.AddM3Silo();

        var app = builder.Build();

        app.MapHealthApi();
        app.MapGrainCallEndpoint(clusterSecret);

        app.Run();
    }
}
