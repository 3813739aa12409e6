namespace M3CoreCRM.Grains.Abstractions.Tenancy;

/// <summary>
/// Every grain of the domain is keyed by its record id with its tenant as the key extension
/// (<see cref="IGrainWithGuidCompoundKey"/>), so the tenant is readable from the <see cref="GrainId"/>
/// without a call, and a grain of one tenant cannot name a grain of another.
/// </summary>
public static class TenantGrains
{
    /// <summary>The grain of <paramref name="tenantId"/> with <paramref name="key"/> implementing <typeparamref name="TGrain"/>.</summary>
    public static TGrain GetGrain<TGrain>(this IGrainFactory grains, Guid tenantId, Guid key)
        where TGrain : IGrainWithGuidCompoundKey =>
        grains.GetGrain<TGrain>(key, KeyExtension(tenantId));

    /// <summary>The key extension that names <paramref name="tenantId"/>.</summary>
    public static string KeyExtension(Guid tenantId) => tenantId.ToString("N");

    /// <summary>The tenant and record id of a domain grain, or false for grains of other shapes (Orleans' own).</summary>
    public static bool TryGetTenantKey(this GrainId grainId, out Guid tenantId, out Guid key)
    {
        tenantId = Guid.Empty;
        key = Guid.Empty;
        if (!grainId.TryGetGuidKey(out key, out var extension) || !Guid.TryParseExact(extension, "N", out tenantId))
        {
            return false;
        }

        return true;
    }
}

/// <summary>
/// A grain that knows its tenant, read from its key once per activation: the incoming-call filter that refuses
/// another tenant's calls asks it instead of parsing the key on every call.
/// </summary>
public interface ITenantKeyed
{
    /// <summary>The tenant of the grain's key.</summary>
    Guid TenantId { get; }
}
