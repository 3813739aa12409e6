using M3CoreCRM.Runtime.Grains;

namespace M3CoreCRM.Grains.Abstractions.Contacts;

/// <summary>A person's details; phones are E.164 and emails lower case.</summary>
public sealed record ContactFields(string FirstName, string LastName, IReadOnlyList<string> Emails, IReadOnlyList<string> Phones, Guid? CompanyId, Guid OwnerId);

public sealed record ContactInfo(
    Guid Id, string FirstName, string LastName, IReadOnlyList<string> Emails, IReadOnlyList<string> Phones, Guid? CompanyId, Guid OwnerId,
    DateTime CreatedAt, DateTime UpdatedAt, long Version);

/// <summary>A contact (key: the contact id); changes are <c>contact.created</c>, <c>contact.updated</c>, <c>contact.deleted</c> events naming the owner.</summary>
public interface IContactGrain : IGrain
{
    Task<ContactInfo> CreateAsync(ContactFields fields);

    [ReadOnly]
    Task<ContactInfo> GetAsync();

    Task<ContactInfo> UpdateAsync(ContactFields fields, long? expectedVersion);

    Task DeleteAsync(long? expectedVersion);
}

public sealed record CompanyFields(string Name, string? Domain, string? Industry, Guid OwnerId);

public sealed record CompanyInfo(Guid Id, string Name, string? Domain, string? Industry, Guid OwnerId, DateTime CreatedAt, DateTime UpdatedAt, long Version);

/// <summary>A company (key: the company id); changes are <c>company.*</c> events naming the owner.</summary>
public interface ICompanyGrain : IGrain
{
    Task<CompanyInfo> CreateAsync(CompanyFields fields);

    [ReadOnly]
    Task<CompanyInfo> GetAsync();

    Task<CompanyInfo> UpdateAsync(CompanyFields fields, long? expectedVersion);

    Task DeleteAsync(long? expectedVersion);
}
