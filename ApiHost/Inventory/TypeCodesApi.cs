using M3CoreCRM.ApiHost.Conventions;
using M3CoreCRM.ApiHost.Identity;
using M3CoreCRM.Grains.Abstractions.Identity;
using M3CoreCRM.Grains.Abstractions.Inventory;
using M3CoreCRM.Grains.Abstractions.Tenancy;
using M3CoreCRM.Grains.Persistence;
using Npgsql;

namespace M3CoreCRM.ApiHost.Inventory;

public sealed record SaveTypeCodeRequest([property: NeverNull] string? Code, [property: NeverNull] string? Name, [property: NeverNull] string? Category);

/// <summary>
/// The tenant's catalogs of unit type codes (<c>/unit-types</c>: <c>2BR-A</c>, apartment) and
/// component type codes (<c>/component-types</c>: <c>PARKING</c>, parking). Codes are unique per
/// catalog regardless of case (409 <c>code_taken</c>) and fixed once created, since units refer to them.
/// </summary>
public static class TypeCodesApi
{
    public static RouteGroupBuilder MapUnitTypesApi(this IEndpointRouteBuilder endpoints) =>
        MapCatalog(endpoints, "/api/v1/unit-types", TypeCodeKind.Unit, "UnitType", "unit type");

    public static RouteGroupBuilder MapComponentTypesApi(this IEndpointRouteBuilder endpoints) =>
        MapCatalog(endpoints, "/api/v1/component-types", TypeCodeKind.Component, "ComponentType", "component type");

    private static RouteGroupBuilder MapCatalog(IEndpointRouteBuilder endpoints, string prefix, TypeCodeKind kind, string name, string label)
    {
        var group = endpoints.MapTenantGroup(prefix, "Inventory");
        group.MapGet("", (Caller caller, NpgsqlDataSource db, string? q, string? cursor, int? limit, CancellationToken cancellationToken) =>
            ListAsync(kind, caller, db, q, cursor, limit, cancellationToken)).WithName($"List{name}s").WithSummary($"List {label}s").RequirePermission(Permissions.InventoryRead);
        group.MapGet("/{id:guid}", (Guid id, Caller caller, IGrainFactory grains, HttpResponse response) =>
            GetAsync(kind, id, caller, grains, response)).WithName($"Get{name}").WithSummary($"Get a {label}").RequirePermission(Permissions.InventoryRead);
        group.MapPost("", (SaveTypeCodeRequest request, Caller caller, IGrainFactory grains) =>
            CreateAsync(kind, prefix, request, caller, grains)).WithName($"Create{name}").WithSummary($"Create a {label}")
            .WithDescription("A code already in the tenant's catalog: 409 code_taken.").RequirePermission(Permissions.InventoryWrite);
        group.MapPatch("/{id:guid}", (Guid id, SaveTypeCodeRequest request, Caller caller, IGrainFactory grains, HttpContext context) =>
            UpdateAsync(kind, id, request, caller, grains, context)).WithName($"Update{name}").WithSummary($"Update a {label}")
            .WithDescription("A code already in the tenant's catalog: 409 code_taken.").RequirePermission(Permissions.InventoryWrite);
        return group;
    }

    private static async Task<Ok<Page<TypeCodeInfo>>> ListAsync(TypeCodeKind kind, Caller caller, NpgsqlDataSource db, string? q, string? cursor, int? limit, CancellationToken cancellationToken)
    {
        var take = Cursor.Limit(limit);
        var after = Cursor.Decode(cursor);
        await using var batch = db.ForTenant(caller.TenantId);
        var command = batch.Add("");
        var where = new SqlConditions(command);
        where.Where($"t.tenant_id = {where.Param(caller.TenantId)}")
            .Where($"t.kind = {where.Param(kind == TypeCodeKind.Unit ? "unit" : "component")}")
            .WhereIf(q?.Trim().ToLowerInvariant(), p => $"(lower(t.code) LIKE {p} || '%' OR lower(t.state ->> 'name') LIKE {p} || '%')");
        if (after is not null)
        {
            where.Where($"(lower(t.code), t.id) > ({where.Param(after.Value ?? "")}, {where.Param(after.Id)})");
        }

        command.CommandText = $"SELECT t.id, t.state::text, t.version FROM type_codes t WHERE {where} ORDER BY lower(t.code), t.id LIMIT {where.Param(take + 1)}";
        var items = new List<TypeCodeInfo>();
        await using (var reader = await batch.ReadAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var stored = System.Text.Json.JsonSerializer.Deserialize<TypeCodeInfo>(reader.GetString(1), GrainJson.Options)!;
                items.Add(stored with { Id = reader.GetGuid(0), Version = reader.GetInt64(2) });
            }
        }

        return TypedResults.Ok(Page.FromRows(items, take, entry => new Cursor(entry.Code.ToLowerInvariant(), entry.Id)));
    }

    private static async Task<Ok<TypeCodeInfo>> GetAsync(TypeCodeKind kind, Guid id, Caller caller, IGrainFactory grains, HttpResponse response)
    {
        var entry = await grains.GetGrain<ITypeCodeGrain>(caller.TenantId, id).GetAsync();
        if (entry.Kind != kind)
        {
            throw Grains.Abstractions.Errors.DomainException.NotFound("The type code");
        }

        Versioning.SetETag(response, entry.Version);
        return TypedResults.Ok(entry);
    }

    private static async Task<Created<TypeCodeInfo>> CreateAsync(TypeCodeKind kind, string prefix, SaveTypeCodeRequest request, Caller caller, IGrainFactory grains)
    {
        new Validation()
            .Code("code", request.Code)
            .Required("name", request.Name, 100)
            .Required("category", request.Category, 50)
            .ThrowIfInvalid();
        var id = Guid.CreateVersion7();
        var entry = await grains.GetGrain<ITypeCodeGrain>(caller.TenantId, id)
            .CreateAsync(new CreateTypeCode(kind, request.Code!, request.Name!.Trim(), request.Category!.Trim()));
        return TypedResults.Created($"{prefix}/{id}", entry);
    }

    private static async Task<Ok<TypeCodeInfo>> UpdateAsync(TypeCodeKind kind, Guid id, SaveTypeCodeRequest request, Caller caller, IGrainFactory grains, HttpContext context)
    {
        var grain = grains.GetGrain<ITypeCodeGrain>(caller.TenantId, id);
        var entry = await Versioning.MergeAsync(context.Request, grain.GetAsync, current => current.Version, (current, version) =>
        {
            if (current.Kind != kind)
            {
                throw Grains.Abstractions.Errors.DomainException.NotFound("The type code");
            }

            new Validation()
                .Check(request.Code is null || request.Code == current.Code, "code", "A code cannot change once created: units refer to it.")
                .Optional("name", request.Name, 100)
                .Optional("category", request.Category, 50)
                .ThrowIfInvalid();
            return grain.UpdateAsync(new UpdateTypeCode(request.Name?.Trim() ?? current.Name, request.Category?.Trim() ?? current.Category), version);
        });
        Versioning.SetETag(context.Response, entry.Version);
        return TypedResults.Ok(entry);
    }
}
