using System.Text.Json;
using M3CoreCRM.Runtime.Grains;

namespace M3CoreCRM.Grains.Abstractions.Inventory;

/// <summary>A development as clients see it; <see cref="Boundary"/> is a GeoJSON Polygon or MultiPolygon.</summary>
public sealed record ProjectInfo(Guid Id, string Name, string Code, string? Address, GeoPoint? Location, JsonElement? Boundary, DateTime CreatedAt, DateTime UpdatedAt, long Version);

/// <summary>A project's fields, validated by the caller; <see cref="Bounds"/> covers the boundary, or the location when there is none.</summary>
public sealed record SaveProject(string Name, string Code, string? Address, GeoPoint? Location, JsonElement? Boundary, GeoBounds? Bounds);

/// <summary>A development (project) of the inventory. Codes are unique per tenant (409 <c>code_taken</c>). Key: the project id.</summary>
public interface IProjectGrain : IGrain
{
    Task<ProjectInfo> CreateAsync(SaveProject command);

    [ReadOnly]
    Task<ProjectInfo> GetAsync();

    Task<ProjectInfo> UpdateAsync(SaveProject command, long? expectedVersion);
}
