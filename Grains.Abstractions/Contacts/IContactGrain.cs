using M3CoreCRM.Grains.Abstractions.Activities;
using M3CoreCRM.Grains.Abstractions.Leads;

namespace M3CoreCRM.Grains.Abstractions.Contacts;

/// <summary>A person's details; phones are E.164 and emails lower case.</summary>
[GenerateSerializer, Immutable, Alias("crm.ContactFields")]
public sealed record ContactFields([property: Id(0)] string FirstName, [property: Id(1)] string LastName, [property: Id(2)] IReadOnlyList<string> Emails, [property: Id(3)] IReadOnlyList<string> Phones, [property: Id(4)] Guid? CompanyId, [property: Id(5)] Guid OwnerId);

[GenerateSerializer, Immutable, Alias("crm.ContactInfo")]
public sealed record ContactInfo(
    [property: Id(0)] Guid Id, [property: Id(1)] string FirstName, [property: Id(2)] string LastName, [property: Id(3)] IReadOnlyList<string> Emails, [property: Id(4)] IReadOnlyList<string> Phones, [property: Id(5)] Guid? CompanyId, [property: Id(6)] Guid OwnerId,
    [property: Id(7)] DateTime CreatedAt, [property: Id(8)] DateTime UpdatedAt, [property: Id(9)] long Version);

/// <summary>An agent's account of a call to a contact: how it ended, how long it lasted (0 when unknown), and notes.</summary>
[GenerateSerializer, Immutable, Alias("crm.LogContactCall")]
public sealed record LogContactCall([property: Id(0)] CallDisposition Disposition, [property: Id(1)] int DurationSeconds, [property: Id(2)] string? Notes)
{
    /// <summary>The agent's latest click-to-call to this contact, if any: the disposition is then that call's account, not a call of its own.</summary>
    [Id(3)]
    public PlacedCall? ClickToCall { get; init; }
}

/// <summary>
/// A contact (key: the contact id); changes are <c>contact.created</c>, <c>contact.updated</c>, <c>contact.deleted</c> events
/// naming the owner, and a logged call is <c>call.logged</c>.
/// </summary>
[Alias("crm.IContactGrain")]
public interface IContactGrain : IGrainWithGuidCompoundKey
{
    [Alias("Create")]
    Task<ContactInfo> CreateAsync(ContactFields fields);

    [ReadOnly, Alias("Get")]
    Task<ContactInfo> GetAsync();

    [Alias("Update")]
    Task<ContactInfo> UpdateAsync(ContactFields fields, long? expectedVersion);

    [Alias("Delete")]
    Task DeleteAsync(long? expectedVersion);

    /// <summary>
    /// Logs an agent's call to the contact as a call activity: into the click-to-call's one activity when the agent placed
    /// one since the contact's last logged call (the provider's report completes it, in either order), else as a call of its own.
    /// </summary>
    [Alias("LogCall")]
    Task<ActivityInfo> LogCallAsync(Guid agentId, LogContactCall call);
}

[GenerateSerializer, Immutable, Alias("crm.CompanyFields")]
public sealed record CompanyFields([property: Id(0)] string Name, [property: Id(1)] string? Domain, [property: Id(2)] string? Industry, [property: Id(3)] Guid OwnerId);

[GenerateSerializer, Immutable, Alias("crm.CompanyInfo")]
public sealed record CompanyInfo([property: Id(0)] Guid Id, [property: Id(1)] string Name, [property: Id(2)] string? Domain, [property: Id(3)] string? Industry, [property: Id(4)] Guid OwnerId, [property: Id(5)] DateTime CreatedAt, [property: Id(6)] DateTime UpdatedAt, [property: Id(7)] long Version);

/// <summary>A company (key: the company id); changes are <c>company.*</c> events naming the owner.</summary>
[Alias("crm.ICompanyGrain")]
public interface ICompanyGrain : IGrainWithGuidCompoundKey
{
    [Alias("Create")]
    Task<CompanyInfo> CreateAsync(CompanyFields fields);

    [ReadOnly, Alias("Get")]
    Task<CompanyInfo> GetAsync();

    [Alias("Update")]
    Task<CompanyInfo> UpdateAsync(CompanyFields fields, long? expectedVersion);

    [Alias("Delete")]
    Task DeleteAsync(long? expectedVersion);
}
