
namespace M3CoreCRM.Grains.Abstractions.Identity;

[GenerateSerializer, Alias("crm.TenantStatus")]
public enum TenantStatus
{
    /// <summary>Created; its roles and owner are still being set up. Nobody can log in yet.</summary>
    Provisioning,
    Active,
    Suspended,
}

/// <summary>A workspace's settings.</summary>
/// <param name="Timezone">An IANA time zone: where reports' days begin and end.</param>
/// <param name="Currency">An ISO 4217 code.</param>
/// <param name="Locale">A BCP 47 locale such as <c>en</c> or <c>ar-AE</c>.</param>
/// <param name="SecondFactor">
/// What signing in asks for beside the password: <c>none</c> (or null), or <c>sms</c>, a code sent to the user's mobile.
/// </param>
[GenerateSerializer, Immutable, Alias("crm.TenantSettings")]
public sealed record TenantSettings([property: Id(0)] string Timezone, [property: Id(1)] string Currency, [property: Id(2)] string Locale, [property: Id(3)] string? SecondFactor = null)
{
    public const string SmsSecondFactor = "sms";

    public static TenantSettings Default { get; } = new("UTC", "USD", "en");

    /// <summary>Whether signing in needs a code by SMS after the password.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool AsksForSmsCode => SecondFactor == SmsSecondFactor;
}

[GenerateSerializer, Immutable, Alias("crm.LeadStatusDefinition")]
public sealed record LeadStatusDefinition([property: Id(0)] Guid Id, [property: Id(1)] string Name, [property: Id(2)] string Category);

[GenerateSerializer, Immutable, Alias("crm.LeadSourceDefinition")]
public sealed record LeadSourceDefinition([property: Id(0)] Guid Id, [property: Id(1)] string Name);

[GenerateSerializer, Immutable, Alias("crm.TenantInfo")]
public sealed record TenantInfo(
    [property: Id(0)] Guid Id,
    [property: Id(1)] string Name,
    [property: Id(2)] string Slug,
    [property: Id(3)] TenantStatus Status,
    [property: Id(4)] string Plan,
    [property: Id(5)] TenantSettings Settings,
    [property: Id(6)] IReadOnlyDictionary<string, Guid> BuiltInRoleIds,
    [property: Id(7)] IReadOnlyList<LeadStatusDefinition> LeadStatuses,
    [property: Id(8)] IReadOnlyList<LeadSourceDefinition> LeadSources,
    [property: Id(9)] DateTimeOffset CreatedAt,
    [property: Id(10)] long Version);

/// <summary>The tenant's owner as sign-up names them; the password arrives already hashed.</summary>
[GenerateSerializer, Immutable, Alias("crm.NewTenantOwner")]
public sealed record NewTenantOwner([property: Id(0)] Guid UserId, [property: Id(1)] string Name, [property: Id(2)] string Email, [property: Id(3)] string PasswordHash);

[GenerateSerializer, Immutable, Alias("crm.CreateTenant")]
public sealed record CreateTenant([property: Id(0)] string Name, [property: Id(1)] string Slug, [property: Id(2)] NewTenantOwner Owner);

[GenerateSerializer, Immutable, Alias("crm.UpdateTenant")]
public sealed record UpdateTenant([property: Id(0)] string? Name, [property: Id(1)] TenantSettings? Settings);

/// <summary>A tenant: its name, unique slug, plan, settings and catalogs. Key: the tenant id (its own tenant).</summary>
[Alias("crm.ITenantGrain")]
public interface ITenantGrain : IGrainWithGuidCompoundKey
{
    /// <summary>
    /// Creates the tenant with its built-in roles, its owner, default lead statuses and sources.
    /// The setup finishes even if the process dies half-way (a reminder completes it); the tenant
    /// is <see cref="TenantStatus.Active"/> only when all of it exists. A taken slug is 409 <c>slug_taken</c>.
    /// </summary>
    [Alias("Create")]
    Task<TenantInfo> CreateAsync(CreateTenant command);

    /// <summary>The tenant, or 404 <c>not_found</c> when it does not exist.</summary>
    [ReadOnly, Alias("Get")]
    Task<TenantInfo> GetAsync();

    [Alias("Update")]
    Task<TenantInfo> UpdateAsync(UpdateTenant command, long? expectedVersion);

    /// <summary>The tenant's plan, billing status and billing contact.</summary>
    [ReadOnly, Alias("GetBilling")]
    Task<TenantBilling> GetBillingAsync();

    /// <summary>Sets where invoices go (null clears it); audited.</summary>
    [Alias("SetBillingEmail")]
    Task<TenantBilling> SetBillingEmailAsync(string? email, long? expectedVersion);

    /// <summary>Applies a change of plan or status (from Stripe); a change of plan is audited as <c>tenant.plan_changed</c>.</summary>
    [Alias("ApplyBilling")]
    Task<TenantBilling> ApplyBillingAsync(BillingChange change);
}

/// <summary>The tenant's billing: plan, its status (Stripe's subscription status: <c>active</c>, <c>past_due</c>, <c>canceled</c>, ...), where invoices go and the Stripe records.</summary>
[GenerateSerializer, Immutable, Alias("crm.TenantBilling")]
public sealed record TenantBilling(
    [property: Id(0)] string Plan,
    [property: Id(1)] string Status,
    [property: Id(2)] string? BillingEmail,
    [property: Id(3)] string? CustomerId,
    [property: Id(4)] string? SubscriptionId,
    [property: Id(5)] long Version);

/// <summary>
/// A change of billing from Stripe (or the customer's creation): null members stay as they are. A change from an event
/// older than the last one applied (<paramref name="EventAt"/>) is ignored: Stripe does not promise order. A change that
/// <paramref name="EndsSubscription"/> applies only to the tenant's current subscription (an old one ending changes nothing).
/// </summary>
[GenerateSerializer, Immutable, Alias("crm.BillingChange")]
public sealed record BillingChange(
    [property: Id(0)] string? Plan,
    [property: Id(1)] string? Status,
    [property: Id(2)] string? CustomerId,
    [property: Id(3)] string? SubscriptionId,
    [property: Id(4)] DateTimeOffset? EventAt,
    [property: Id(5)] string? EventId,
    [property: Id(6)] bool EndsSubscription = false);
