using M3CoreCRM.Silo.Hosting;
using M3CoreCRM.Silo.Storage;

namespace M3CoreCRM.Silo;

/// <summary>
/// The silo process of a cluster: an Orleans silo that joins the cluster through the membership table in
/// PostgreSQL and hosts the grains Orleans places on it; API hosts reach it through its gateway. Its HTTP
/// endpoints (<c>--urls</c>) are internal: health, the Prometheus scrape endpoint and (with an operator key) the
/// Orleans dashboard.
/// </summary>
internal static class Program
{
    public static void Main(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Configuration[$"{SiloSetup.Section}:MembershipTable"] ??= "postgres";

        builder.AddM3Operations(everyAddressIsInternal: true);
        builder.AddM3Postgres();
        builder.AddM3Silo();

        var app = builder.Build();

        app.UseM3Operations();
        app.MapHealthApi();

        app.Run();
    }
}
