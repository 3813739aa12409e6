namespace M3CoreCRM.Silo.Hosting;

/// <summary>Hosts a silo in this process: the grain runtime with PostgreSQL storage.</summary>
public static class SiloSetup
{
    public static IHostApplicationBuilder AddM3Silo(this IHostApplicationBuilder builder) => builder;
}
