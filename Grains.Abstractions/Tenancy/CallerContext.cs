namespace M3CoreCRM.Grains.Abstractions.Tenancy;

/// <summary>
/// Who asked, for which tenant, from where: set by the API host around its grain calls and carried by
/// Orleans' <see cref="RequestContext"/> into the grain's turn and on into the calls it makes. Storage
/// stamps actor and address on audit entries; the silo's call filter refuses a call whose tenant is not
/// the grain's.
/// </summary>
public static class CallerContext
{
    private const string TenantKey = "m3.tenant";
    private const string ActorKey = "m3.actor";
    private const string AddressKey = "m3.address";

    public static Guid? TenantId => RequestContext.Get(TenantKey) is Guid tenant ? tenant : null;

    public static Guid? ActorId => RequestContext.Get(ActorKey) is Guid actor ? actor : null;

    public static string? ClientAddress => RequestContext.Get(AddressKey) as string;

    /// <summary>Sets the context for the calls made until the returned scope is disposed.</summary>
    public static Scope Begin(Guid? tenantId, Guid? actorId, string? clientAddress)
    {
        var scope = new Scope(TenantId, ActorId, ClientAddress);
        Set(tenantId, actorId, clientAddress);
        return scope;
    }

    private static void Set(Guid? tenantId, Guid? actorId, string? clientAddress)
    {
        Put(TenantKey, tenantId);
        Put(ActorKey, actorId);
        Put(AddressKey, clientAddress);
    }

    private static void Put(string key, object? value)
    {
        if (value is null)
        {
            RequestContext.Remove(key);
        }
        else
        {
            RequestContext.Set(key, value);
        }
    }

    public readonly struct Scope(Guid? tenantId, Guid? actorId, string? clientAddress) : IDisposable
    {
        public void Dispose() => Set(tenantId, actorId, clientAddress);
    }
}
