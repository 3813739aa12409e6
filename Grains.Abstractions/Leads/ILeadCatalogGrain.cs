using M3CoreCRM.Runtime.Grains;

namespace M3CoreCRM.Grains.Abstractions.Leads;

/// <summary>Where a lead status stands: still being worked, or ended won or lost.</summary>
public enum StatusCategory
{
    Open,
    Won,
    Lost,
}

/// <summary>A tenant-defined lead status; <paramref name="Key"/> is what leads carry (<c>qualified</c>).</summary>
public sealed record LeadStatus(string Key, string Name, StatusCategory Category, int Order);

public sealed record LeadSource(string Key, string Name);

public sealed record LeadCatalog(IReadOnlyList<LeadStatus> Statuses, IReadOnlyList<LeadSource> Sources, long Version)
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
public interface ILeadCatalogGrain : IGrain
{
    [ReadOnly]
    Task<LeadCatalog> GetAsync();

    /// <summary>409 <c>status_exists</c> when the key is taken.</summary>
    Task<LeadCatalog> AddStatusAsync(LeadStatus status);

    /// <summary>409 <c>source_exists</c> when the key is taken.</summary>
    Task<LeadCatalog> AddSourceAsync(LeadSource source);
}
