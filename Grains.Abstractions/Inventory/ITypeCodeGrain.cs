using M3CoreCRM.Runtime.Grains;

namespace M3CoreCRM.Grains.Abstractions.Inventory;

/// <summary>Which catalog a type code belongs to: unit types (<c>2BR-A</c>) or component types (<c>PARKING</c>).</summary>
public enum TypeCodeKind
{
    Unit,
    Component,
}

public sealed record TypeCodeInfo(Guid Id, TypeCodeKind Kind, string Code, string Name, string Category, long Version);

public sealed record CreateTypeCode(TypeCodeKind Kind, string Code, string Name, string Category);

public sealed record UpdateTypeCode(string Name, string Category);

/// <summary>
/// One entry of a tenant's type-code catalogs. Codes are unique per tenant and catalog
/// (409 <c>code_taken</c>) and never change once created, since units refer to them. Key: the entry id.
/// </summary>
public interface ITypeCodeGrain : IGrain
{
    Task<TypeCodeInfo> CreateAsync(CreateTypeCode command);

    [ReadOnly]
    Task<TypeCodeInfo> GetAsync();

    Task<TypeCodeInfo> UpdateAsync(UpdateTypeCode command, long? expectedVersion);
}
