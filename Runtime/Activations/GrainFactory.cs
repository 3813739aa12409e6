using System.Reflection;
using M3CoreCRM.Runtime.Grains;

namespace M3CoreCRM.Runtime.Activations;

internal sealed class GrainFactory(GrainTypeRegistry registry, IGrainCallRouter router) : IGrainFactory
{
    public TGrainInterface GetGrain<TGrainInterface>(Guid tenantId, Guid key)
        where TGrainInterface : IGrain
    {
        // Tenancy fails closed: a grain always belongs to a real tenant.
        if (tenantId == Guid.Empty)
        {
            throw new ArgumentException("A grain's tenant id cannot be empty.", nameof(tenantId));
        }

        var grainClass = registry.ForInterface(typeof(TGrainInterface));
        var proxy = DispatchProxy.Create<TGrainInterface, GrainProxy>();
        ((GrainProxy)(object)proxy).Bind(new GrainId(grainClass.TypeName, tenantId, key), registry, router);
        return proxy;
    }
}

/// <summary>A grain reference: every interface call becomes a grain call through the router.</summary>
public class GrainProxy : DispatchProxy
{
    private GrainTypeRegistry? _registry;
    private IGrainCallRouter? _router;

    public GrainId GrainId { get; private set; }

    internal void Bind(GrainId grainId, GrainTypeRegistry registry, IGrainCallRouter router)
    {
        GrainId = grainId;
        _registry = registry;
        _router = router;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
        _registry!.Dispatcher(targetMethod!).Send(_router!, GrainId, args ?? []);
}
