using System.Reflection;
using M3CoreCRM.Grains;
using M3CoreCRM.Runtime.Hosting;
using M3CoreCRM.Runtime.Persistence;
using M3CoreCRM.Silo.Storage;

namespace M3CoreCRM.Silo.Hosting;

/// <summary>Hosts a silo in this process: the grain runtime over PostgreSQL, gated on the migrations.</summary>
public static class SiloSetup
{
    /// <summary>
    /// The silo with the domain grains (and any <paramref name="extraGrainAssemblies"/>, for tests).
    /// Needs <see cref="PostgresStorageSetup.AddM3Postgres"/>.
    /// </summary>
    public static IHostApplicationBuilder AddM3Silo(this IHostApplicationBuilder builder, params Assembly[] extraGrainAssemblies)
    {
        builder.Services.AddSingleton<IStorageGate>(services => services.GetRequiredService<SchemaMigrationService>());
        builder.Services.AddGrainRuntime(builder.Configuration, [typeof(GrainsAssembly).Assembly, .. extraGrainAssemblies]);
        return builder;
    }
}
