using System.Text.Json;
using M3CoreCRM.ApiHost.Conventions;
using M3CoreCRM.ApiHost.Identity;
using M3CoreCRM.Grains.Abstractions.Common;
using M3CoreCRM.Grains.Abstractions.Identity;
using M3CoreCRM.Grains.Abstractions.Inventory;
using M3CoreCRM.Grains.Abstractions.Errors;
using M3CoreCRM.Grains.Abstractions.Tenancy;
using M3CoreCRM.Grains.Persistence;
using Npgsql;

namespace M3CoreCRM.ApiHost.Inventory;

/// <summary>A point as a request carries it: both coordinates are required.</summary>
public sealed record LocationRequest(double? Lat, double? Lng);

public sealed record SaveProjectRequest([property: NeverNull] string? Name, [property: NeverNull] string? Code, string? Address, LocationRequest? Location, JsonElement? Boundary);

/// <summary>One unit on the availability board.</summary>
public sealed record BoardUnit(Guid Id, string Code, string TypeCode, string? Building, int? Floor, UnitStatus Status, Money ListPrice, UnitHolder? HeldBy, DateTime? HoldExpiresAt);

/// <summary>Unit counts by status (lower_snake keys, every status present).</summary>
public sealed record StatusCounts(int Total, int Available, int OnHold, int Reserved, int Sold)
{
    public static StatusCounts Of(IEnumerable<BoardUnit> units)
    {
        var list = units as IReadOnlyCollection<BoardUnit> ?? [.. units];
        return new(list.Count, list.Count(u => u.Status == UnitStatus.Available), list.Count(u => u.Status == UnitStatus.OnHold),
            list.Count(u => u.Status == UnitStatus.Reserved), list.Count(u => u.Status == UnitStatus.Sold));
    }
}

public sealed record TypeCodeAvailability(string TypeCode, StatusCounts Counts);

public sealed record FloorAvailability(int? Floor, StatusCounts Counts, IReadOnlyList<BoardUnit> Units);

/// <summary>The availability board of a project: totals, counts by type code, and each floor's units.</summary>
public sealed record ProjectAvailability(Guid ProjectId, StatusCounts Counts, IReadOnlyList<TypeCodeAvailability> ByTypeCode, IReadOnlyList<FloorAvailability> Floors);

/// <summary>Developments: code, address, location, GeoJSON boundary; and each one's availability board.</summary>
public static class ProjectsApi
{
    private static readonly SortOptions Sorts = new("name", new Dictionary<string, SortColumn>
    {
        ["name"] = new("name", "text"),
        ["code"] = new("code", "text"),
        ["createdAt"] = new("created_at", "timestamptz"),
    });

    public static RouteGroupBuilder MapProjectsApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapTenantGroup("/api/v1/projects", "Inventory");
        group.MapGet("", ListAsync).WithName("ListProjects").WithSummary("List projects").RequirePermission(Permissions.InventoryRead);
        group.MapGet("/{id:guid}", GetAsync).WithName("GetProject").WithSummary("Get a project").RequirePermission(Permissions.InventoryRead);
        group.MapGet("/{id:guid}/availability", AvailabilityAsync).WithName("GetProjectAvailability").WithSummary("Get a project's availability board").RequirePermission(Permissions.InventoryRead);
        group.MapPost("", CreateAsync).WithName("CreateProject").WithSummary("Create a project")
            .WithDescription("Another project of the tenant with the code: 409 code_taken.").RequirePermission(Permissions.InventoryWrite);
        group.MapPatch("/{id:guid}", UpdateAsync).WithName("UpdateProject").WithSummary("Update a project")
            .WithDescription("Another project of the tenant with the code: 409 code_taken.").RequirePermission(Permissions.InventoryWrite);
        return group;
    }

    private static async Task<Ok<Page<ProjectInfo>>> ListAsync(Caller caller, NpgsqlDataSource db, string? q, string? sort, string? cursor, int? limit, CancellationToken cancellationToken)
    {
        var take = Cursor.Limit(limit);
        var after = Cursor.Decode(cursor);
        var (field, column, descending) = Sorts.Parse(sort);
        await using var batch = db.ForTenant(caller.TenantId);
        var command = batch.Add("");
        var where = new SqlConditions(command);
        where.Where($"p.tenant_id = {where.Param(caller.TenantId)}")
            .WhereIf(SqlConditions.LikeLiteral(q), p => $"(lower(p.code) LIKE {p} || '%' OR lower(p.name) LIKE '%' || {p} || '%')");
        where.After(after, column, descending, "p");

        command.CommandText = $"SELECT p.id, p.state::text, p.version FROM projects p WHERE {where} ORDER BY {SortOptions.OrderBy(column, descending, "p")} LIMIT {where.Param(take + 1)}";
        var items = new List<ProjectInfo>();
        await using (var reader = await batch.ReadAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var stored = JsonSerializer.Deserialize<ProjectInfo>(reader.GetString(1), GrainJson.Options)!;
                items.Add(stored with { Id = reader.GetGuid(0), Version = reader.GetInt64(2) });
            }
        }

        return TypedResults.Ok(Page.FromRows(items, take, project => new Cursor(SortValue(project, field), project.Id)));
    }

    private static string SortValue(ProjectInfo project, string field) => field switch
    {
        "code" => project.Code,
        "createdAt" => project.CreatedAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        _ => project.Name,
    };

    private static async Task<Ok<ProjectInfo>> GetAsync(Guid id, Caller caller, IGrainFactory grains, HttpResponse response)
    {
        var project = await grains.GetGrain<IProjectGrain>(caller.TenantId, id).GetAsync();
        Versioning.SetETag(response, project.Version);
        return TypedResults.Ok(project);
    }

    private static async Task<Created<ProjectInfo>> CreateAsync(SaveProjectRequest request, Caller caller, IGrainFactory grains, HttpContext context)
    {
        var command = Validate(request);
        var id = RecordIds.New(context, "project");
        var grain = grains.GetGrain<IProjectGrain>(caller.TenantId, id);
        var project = await RecordIds.CreateOnceAsync(context, () => grain.CreateAsync(command), grain.GetAsync);
        return TypedResults.Created($"/api/v1/projects/{id}", project);
    }

    private static async Task<Ok<ProjectInfo>> UpdateAsync(Guid id, SaveProjectRequest request, Caller caller, IGrainFactory grains, HttpContext context)
    {
        var grain = grains.GetGrain<IProjectGrain>(caller.TenantId, id);
        var project = await Versioning.MergeAsync(context.Request, grain.GetAsync, current => current.Version, (current, version) => grain.UpdateAsync(Validate(new SaveProjectRequest(
            request.Name ?? current.Name,
            request.Code ?? current.Code,
            request.Address ?? current.Address,
            request.Location ?? (current.Location is { } location ? new LocationRequest(location.Lat, location.Lng) : null),
            request.Boundary is { ValueKind: not JsonValueKind.Undefined } boundary ? boundary : current.Boundary)), version));
        Versioning.SetETag(context.Response, project.Version);
        return TypedResults.Ok(project);
    }

    private static SaveProject Validate(SaveProjectRequest request)
    {
        var validation = new Validation()
            .Required("name", request.Name, 200)
            .Code("code", request.Code)
            .Optional("address", request.Address, 500)
            .Check(request.Location is null or { Lat: not null, Lng: not null }, "location", "A location needs both lat and lng.");
        var location = request.Location is { Lat: { } lat, Lng: { } lng } ? new GeoPoint(lat, lng) : null;
        validation.Location("location", location);
        var (boundary, bounds) = validation.Geometry("boundary", request.Boundary, InventoryValidation.BoundaryTypes);
        validation.ThrowIfInvalid();
        if (bounds is null && location is not null)
        {
            bounds = new GeoBounds(location.Lng, location.Lat, location.Lng, location.Lat);
        }

        return new SaveProject(request.Name!.Trim(), request.Code!, request.Address?.Trim(), location, boundary, bounds);
    }

    private static async Task<Ok<ProjectAvailability>> AvailabilityAsync(Guid id, Caller caller, NpgsqlDataSource db, InventoryQueries inventory, CancellationToken cancellationToken)
    {
        await using var batch = db.ForTenant(caller.TenantId);
        batch.Add("""
            SELECT u.id, u.code, u.type_code, u.state ->> 'building', u.floor, u.status, u.price, u.currency,
                   u.state -> 'heldBy' ->> 'type', u.held_by, u.hold_expires_at
            FROM units u WHERE u.tenant_id = $1 AND u.project_id = $2
            ORDER BY u.floor NULLS LAST, lower(u.code), u.id
            """).With(caller.TenantId).With(id);
        var units = new List<BoardUnit>();
        await using (var reader = await batch.ReadAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                units.Add(new BoardUnit(
                    reader.GetGuid(0),
                    reader.GetString(1),
                    reader.GetString(2),
                    reader.IsDBNull(3) ? null : reader.GetString(3),
                    reader.IsDBNull(4) ? null : reader.GetInt32(4),
                    ParseStatus(reader.GetString(5)),
                    new Money(reader.GetDecimal(6), reader.GetString(7)),
                    reader.IsDBNull(9) ? null : new UnitHolder(reader.GetString(8) == "lead" ? HolderType.Lead : HolderType.Deal, reader.GetGuid(9)),
                    reader.IsDBNull(10) ? null : reader.GetDateTime(10)));
            }
        }

        // Only a board without units asks whether the project exists: one round trip in the usual case.
        if (units.Count == 0 && !await inventory.ProjectExistsAsync(caller.TenantId, id, cancellationToken))
        {
            throw DomainException.NotFound("The project");
        }

        var byType = units.GroupBy(u => u.TypeCode, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new TypeCodeAvailability(g.Key, StatusCounts.Of(g))).ToList();
        var floors = units.GroupBy(u => u.Floor).Select(g => new FloorAvailability(g.Key, StatusCounts.Of(g), [.. g])).ToList();
        return TypedResults.Ok(new ProjectAvailability(id, StatusCounts.Of(units), byType, floors));
    }

    public static UnitStatus ParseStatus(string status) => status switch
    {
        "on_hold" => UnitStatus.OnHold,
        "reserved" => UnitStatus.Reserved,
        "sold" => UnitStatus.Sold,
        _ => UnitStatus.Available,
    };
}
