
namespace M3CoreCRM.Grains.Abstractions.Leads;

/// <summary>Where a lead status stands: still being worked, or ended won or lost.</summary>
[GenerateSerializer, Alias("crm.StatusCategory")]
public enum StatusCategory
{
    Open,
    Won,
    Lost,
}

/// <summary>A tenant-defined lead status; <paramref name="Key"/> is what leads carry (<c>qualified</c>).</summary>
[GenerateSerializer, Immutable, Alias("crm.LeadStatus")]
public sealed record LeadStatus([property: Id(0)] string Key, [property: Id(1)] string Name, [property: Id(2)] StatusCategory Category, [property: Id(3)] int Order);

[GenerateSerializer, Immutable, Alias("crm.LeadSource")]
public sealed record LeadSource([property: Id(0)] string Key, [property: Id(1)] string Name);

[GenerateSerializer, Immutable, Alias("crm.LeadCatalog")]
public sealed record LeadCatalog([property: Id(0)] IReadOnlyList<LeadStatus> Statuses, [property: Id(1)] IReadOnlyList<LeadSource> Sources, [property: Id(2)] long Version)
{
    public LeadStatus? Status(string key) => Statuses.FirstOrDefault(s => string.Equals(s.Key, key, StringComparison.Ordinal));

    public bool HasSource(string key) => Sources.Any(s => string.Equals(s.Key, key, StringComparison.Ordinal));

    /// <summary>A new lead's status when none is given: the first open one.</summary>
    public LeadStatus DefaultStatus => Statuses.Where(s => s.Category == StatusCategory.Open).OrderBy(s => s.Order).First();
}

/// <summary>
/// A tenant's lead statuses and sources (key: the tenant id). Until the tenant adds its own, it has a
/// sensible set (new, contacted, qualified, won, lost; web, referral, walk_in, phone, social, import).
/// Entries are added, never renamed away, since leads carry their keys.
/// </summary>
[Alias("crm.ILeadCatalogGrain")]
public interface ILeadCatalogGrain : IGrainWithGuidCompoundKey
{
    [ReadOnly, Alias("Get")]
    Task<LeadCatalog> GetAsync();

    /// <summary>409 <c>status_exists</c> when the key is taken.</summary>
    [Alias("AddStatus")]
    Task<LeadCatalog> AddStatusAsync(LeadStatus status);

    /// <summary>409 <c>source_exists</c> when the key is taken.</summary>
    [Alias("AddSource")]
    Task<LeadCatalog> AddSourceAsync(LeadSource source);
}
