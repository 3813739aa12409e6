using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Metadata;

namespace M3CoreCRM.Silo.Hosting;

/// <summary>
/// Remembers each grain interface's <see cref="GrainInterfaceType"/>. Orleans 10.4 works it out again on every
/// <c>GetGrain</c>: it reads the interface's custom attributes and formats its name, which was a tenth of the CPU
/// of an HTTP read answered from a grain's memory. Registered ahead of Orleans' own providers so it answers first;
/// on a miss it asks Orleans' resolver once (with itself stepped aside) and keeps the answer.
/// </summary>
internal sealed class CachedGrainInterfaceTypes(IServiceProvider services) : IGrainInterfaceTypeProvider
{
    [ThreadStatic]
    private static bool _resolving;

    private readonly ConcurrentDictionary<Type, GrainInterfaceType> _known = new();

    public bool TryGetGrainInterfaceType(Type type, out GrainInterfaceType grainInterfaceType)
    {
        if (_known.TryGetValue(type, out grainInterfaceType))
        {
            return true;
        }

        if (_resolving)
        {
            return false;
        }

        _resolving = true;
        try
        {
            grainInterfaceType = services.GetRequiredService<GrainInterfaceTypeResolver>().GetGrainInterfaceType(type);
        }
        finally
        {
            _resolving = false;
        }

        _known.TryAdd(type, grainInterfaceType);
        return true;
    }

    /// <summary>Call before Orleans' own services are added (before <c>UseOrleans</c> or <c>UseOrleansClient</c>).</summary>
    public static void AddTo(IServiceCollection services) =>
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IGrainInterfaceTypeProvider, CachedGrainInterfaceTypes>());
}
