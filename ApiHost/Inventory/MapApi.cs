using System.Text.Json;
using M3CoreCRM.ApiHost.Conventions;
using M3CoreCRM.ApiHost.Identity;
using M3CoreCRM.Grains.Abstractions.Common;
using M3CoreCRM.Grains.Abstractions.Identity;
using M3CoreCRM.Grains.Abstractions.Inventory;
using M3CoreCRM.Grains.Abstractions.Errors;
using M3CoreCRM.Grains.Persistence;
using Npgsql;

namespace M3CoreCRM.ApiHost.Inventory;

/// <summary>A GeoJSON Feature (RFC 7946) with the record's summary as its properties.</summary>
public sealed record Feature<TProperties>(Guid Id, JsonElement Geometry, TProperties Properties)
{
    public string Type => "Feature";
}

/// <summary>A GeoJSON FeatureCollection; <see cref="Truncated"/> (a foreign member) says more features matched than <c>limit</c>.</summary>
public sealed record FeatureCollection<TProperties>(IReadOnlyList<Feature<TProperties>> Features, bool Truncated)
{
    public string Type => "FeatureCollection";
}

public sealed record UnitFeatureProperties(Guid Id, Guid ProjectId, string Code, UnitStatus Status, string TypeCode, Money ListPrice);

public sealed record ProjectFeatureProperties(Guid Id, string Code, string Name);

/// <summary>
/// The map overlay: units and project boundaries in a bounding box as GeoJSON FeatureCollections.
/// A record is in the box when its geometry's bounding box meets the box (a point inside it, a
/// shape inside or crossing it); the test runs on a GiST index over those boxes.
/// </summary>
public static class MapApi
{
    public const int DefaultFeatures = 1000;
    public const int MaxFeatures = 5000;

    public static RouteGroupBuilder MapMapApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapTenantGroup("/api/v1/map", "Inventory");
        group.MapGet("/units", UnitsAsync).WithName("MapUnits").WithSummary("Get units on the map").RequirePermission(Permissions.InventoryRead)
            .WithDescription("Units with a geometry whose bounding box meets bbox (minLng,minLat,maxLng,maxLat; required), with the filters of GET /units. At most limit features (default 1000, up to 5000); truncated says more matched.");
        group.MapGet("/projects", ProjectsAsync).WithName("MapProjects").WithSummary("Get projects on the map").RequirePermission(Permissions.InventoryRead)
            .WithDescription("Projects whose boundary (or, without one, location) meets bbox; a project with neither is not on the map.");
        return group;
    }

    private static async Task<Ok<FeatureCollection<UnitFeatureProperties>>> UnitsAsync(Caller caller, NpgsqlDataSource db, UnitFilter filter, int? limit, CancellationToken cancellationToken)
    {
        if (filter.Bbox is null)
        {
            throw DomainException.Invalid("bbox", "bbox is required: minLng,minLat,maxLng,maxLat.");
        }

        var take = Limit(limit);
        await using var batch = db.ForTenant(caller.TenantId);
        var command = batch.Add("");
        var where = new SqlConditions(command);
        where.Where($"u.tenant_id = {where.Param(caller.TenantId)}").Where("u.bounds IS NOT NULL");
        filter.Apply(where);
        command.CommandText = $"""
            SELECT u.id, u.project_id, u.code, u.status, u.type_code, u.price, u.currency, (u.state -> 'geometry')::text
            FROM units u WHERE {where} ORDER BY u.code, u.id LIMIT {where.Param(take + 1)}
            """;
        var features = new List<Feature<UnitFeatureProperties>>();
        await using (var reader = await batch.ReadAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var id = reader.GetGuid(0);
                features.Add(new(id, Parse(reader.GetString(7)), new UnitFeatureProperties(
                    id, reader.GetGuid(1), reader.GetString(2), ProjectsApi.ParseStatus(reader.GetString(3)), reader.GetString(4), new Money(reader.GetDecimal(5), reader.GetString(6)))));
            }
        }

        return TypedResults.Ok(new FeatureCollection<UnitFeatureProperties>([.. features.Take(take)], features.Count > take));
    }

    private static async Task<Ok<FeatureCollection<ProjectFeatureProperties>>> ProjectsAsync(Caller caller, NpgsqlDataSource db, string? bbox, int? limit, CancellationToken cancellationToken)
    {
        var box = GeoJson.ParseBox(bbox, out var problem) ?? throw DomainException.Invalid("bbox", bbox is null ? "bbox is required: minLng,minLat,maxLng,maxLat." : problem!);
        var take = Limit(limit);
        await using var batch = db.ForTenant(caller.TenantId);
        batch.Add("""
            SELECT p.id, p.code, p.name, (p.state -> 'boundary')::text, (p.state -> 'location' ->> 'lng')::float8, (p.state -> 'location' ->> 'lat')::float8
            FROM projects p
            WHERE p.tenant_id = $1 AND p.bounds IS NOT NULL AND p.bounds && box(point($2, $3), point($4, $5))
            ORDER BY p.name, p.id LIMIT $6
            """).With(caller.TenantId).With(box.MinLng).With(box.MinLat).With(box.MaxLng).With(box.MaxLat).With(take + 1);
        var features = new List<Feature<ProjectFeatureProperties>>();
        await using (var reader = await batch.ReadAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var id = reader.GetGuid(0);
                var boundary = reader.IsDBNull(3) ? null : reader.GetString(3);
                var geometry = boundary is not null && boundary != "null"
                    ? Parse(boundary)
                    : JsonSerializer.SerializeToElement(new { type = "Point", coordinates = new[] { reader.GetDouble(4), reader.GetDouble(5) } });
                features.Add(new(id, geometry, new ProjectFeatureProperties(id, reader.GetString(1), reader.GetString(2))));
            }
        }

        return TypedResults.Ok(new FeatureCollection<ProjectFeatureProperties>([.. features.Take(take)], features.Count > take));
    }

    private static int Limit(int? limit) => limit switch
    {
        null => DefaultFeatures,
        >= 1 and <= MaxFeatures => limit.Value,
        _ => throw DomainException.Invalid("limit", $"limit must be between 1 and {MaxFeatures}."),
    };

    private static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
