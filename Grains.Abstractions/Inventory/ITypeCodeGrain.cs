
namespace M3CoreCRM.Grains.Abstractions.Inventory;

/// <summary>Which catalog a type code belongs to: unit types (<c>2BR-A</c>) or component types (<c>PARKING</c>).</summary>
[GenerateSerializer, Alias("crm.TypeCodeKind")]
public enum TypeCodeKind
{
    Unit,
    Component,
}

[GenerateSerializer, Immutable, Alias("crm.TypeCodeInfo")]
public sealed record TypeCodeInfo([property: Id(0)] Guid Id, [property: Id(1)] TypeCodeKind Kind, [property: Id(2)] string Code, [property: Id(3)] string Name, [property: Id(4)] string Category, [property: Id(5)] long Version);

[GenerateSerializer, Immutable, Alias("crm.CreateTypeCode")]
public sealed record CreateTypeCode([property: Id(0)] TypeCodeKind Kind, [property: Id(1)] string Code, [property: Id(2)] string Name, [property: Id(3)] string Category);

[GenerateSerializer, Immutable, Alias("crm.UpdateTypeCode")]
public sealed record UpdateTypeCode([property: Id(0)] string Name, [property: Id(1)] string Category);

/// <summary>
/// One entry of a tenant's type-code catalogs. Codes are unique per tenant and catalog
/// (409 <c>code_taken</c>) and never change once created, since units refer to them. Key: the entry id.
/// </summary>
[Alias("crm.ITypeCodeGrain")]
public interface ITypeCodeGrain : IGrainWithGuidCompoundKey
{
    [Alias("Create")]
    Task<TypeCodeInfo> CreateAsync(CreateTypeCode command);

    [ReadOnly, Alias("Get")]
    Task<TypeCodeInfo> GetAsync();

    [Alias("Update")]
    Task<TypeCodeInfo> UpdateAsync(UpdateTypeCode command, long? expectedVersion);
}
