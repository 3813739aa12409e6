using M3CoreCRM.Runtime.Grains;

namespace M3CoreCRM.Grains.Abstractions.Identity;

public enum TenantStatus
{
    /// <summary>Created; its roles and owner are still being set up. Nobody can log in yet.</summary>
    Provisioning,
    Active,
    Suspended,
}

public sealed record TenantSettings(string Timezone, string Currency, string Locale)
{
    public static TenantSettings Default { get; } = new("UTC", "USD", "en");
}

public sealed record LeadStatusDefinition(Guid Id, string Name, string Category);

public sealed record LeadSourceDefinition(Guid Id, string Name);

public sealed record TenantInfo(
    Guid Id,
    string Name,
    string Slug,
    TenantStatus Status,
    string Plan,
    TenantSettings Settings,
    IReadOnlyDictionary<string, Guid> BuiltInRoleIds,
    IReadOnlyList<LeadStatusDefinition> LeadStatuses,
    IReadOnlyList<LeadSourceDefinition> LeadSources,
    DateTimeOffset CreatedAt,
    long Version);

/// <summary>The tenant's owner as sign-up names them; the password arrives already hashed.</summary>
public sealed record NewTenantOwner(Guid UserId, string Name, string Email, string PasswordHash);

public sealed record CreateTenant(string Name, string Slug, NewTenantOwner Owner);

public sealed record UpdateTenant(string? Name, TenantSettings? Settings);

/// <summary>A tenant: its name, unique slug, plan, settings and catalogs. Key: the tenant id (its own tenant).</summary>
public interface ITenantGrain : IGrain
{
    /// <summary>
    /// Creates the tenant with its built-in roles, its owner, default lead statuses and sources.
    /// The setup finishes even if the process dies half-way (a reminder completes it); the tenant
    /// is <see cref="TenantStatus.Active"/> only when all of it exists. A taken slug is 409 <c>slug_taken</c>.
    /// </summary>
    Task<TenantInfo> CreateAsync(CreateTenant command);

    /// <summary>The tenant, or 404 <c>not_found</c> when it does not exist.</summary>
    [ReadOnly]
    Task<TenantInfo> GetAsync();

    Task<TenantInfo> UpdateAsync(UpdateTenant command, long? expectedVersion);
}
