using System.Text.Json;

namespace M3CoreCRM.Grains.Abstractions.Inventory;

/// <summary>A development as clients see it; <see cref="Boundary"/> is a GeoJSON Polygon or MultiPolygon.</summary>
[GenerateSerializer, Immutable, Alias("crm.ProjectInfo")]
public sealed record ProjectInfo([property: Id(0)] Guid Id, [property: Id(1)] string Name, [property: Id(2)] string Code, [property: Id(3)] string? Address, [property: Id(4)] GeoPoint? Location, [property: Id(5)] JsonElement? Boundary, [property: Id(6)] DateTime CreatedAt, [property: Id(7)] DateTime UpdatedAt, [property: Id(8)] long Version);

/// <summary>A project's fields, validated by the caller; <see cref="Bounds"/> covers the boundary, or the location when there is none.</summary>
[GenerateSerializer, Immutable, Alias("crm.SaveProject")]
public sealed record SaveProject([property: Id(0)] string Name, [property: Id(1)] string Code, [property: Id(2)] string? Address, [property: Id(3)] GeoPoint? Location, [property: Id(4)] JsonElement? Boundary, [property: Id(5)] GeoBounds? Bounds);

/// <summary>A development (project) of the inventory. Codes are unique per tenant (409 <c>code_taken</c>). Key: the project id.</summary>
[Alias("crm.IProjectGrain")]
public interface IProjectGrain : IGrainWithGuidCompoundKey
{
    [Alias("Create")]
    Task<ProjectInfo> CreateAsync(SaveProject command);

    [ReadOnly, Alias("Get")]
    Task<ProjectInfo> GetAsync();

    [Alias("Update")]
    Task<ProjectInfo> UpdateAsync(SaveProject command, long? expectedVersion);
}
