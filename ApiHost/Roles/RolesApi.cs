using M3CoreCRM.ApiHost.Conventions;
using M3CoreCRM.ApiHost.Identity;
using M3CoreCRM.Grains.Abstractions.Identity;
using M3CoreCRM.Grains.Abstractions.Tenancy;
using M3CoreCRM.Grains.Persistence;
using System.Text.Json;
using Npgsql;

namespace M3CoreCRM.ApiHost.Roles;

public sealed record SaveRoleRequest([property: NeverNull] string? Name, [property: NeverNull] PermissionGrant[]? Grants);

/// <summary>Roles: named sets of grants <c>{ permission, scope }</c>; the built-in ones cannot be deleted.</summary>
public static class RolesApi
{
    public static RouteGroupBuilder MapRolesApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapTenantGroup("/api/v1/roles", "Roles").ChangesAccess();
        group.MapGet("", ListAsync).WithName("ListRoles").WithSummary("List roles").WithDescription("In name order; q matches the name.");
        group.MapGet("/{id:guid}", GetAsync).WithName("GetRole").WithSummary("Get a role");
        group.MapPost("", CreateAsync).WithName("CreateRole").WithSummary("Create a role")
            .WithDescription("Another role of the tenant with the name: 409 name_taken.").RequirePermission(Permissions.RolesManage);
        group.MapPatch("/{id:guid}", UpdateAsync).WithName("UpdateRole").WithSummary("Update a role")
            .WithDescription("Another role with the name: 409 name_taken. The owner role cannot be changed, nor a built-in role renamed: 409 built_in_role.").RequirePermission(Permissions.RolesManage);
        group.MapDelete("/{id:guid}", DeleteAsync).WithName("DeleteRole").WithSummary("Delete a role")
            .WithDescription("Built-in roles (owner, admin, sales_manager, agent, viewer) cannot be deleted: 409 built_in_role.").RequirePermission(Permissions.RolesManage);
        return group;
    }

    // In name order, read straight from the table, paged like every list.
    private static async Task<Ok<Page<RoleInfo>>> ListAsync(Caller caller, NpgsqlDataSource db, string? q, string? cursor, int? limit, CancellationToken cancellationToken)
    {
        var take = Cursor.Limit(limit);
        var after = Cursor.Decode(cursor);
        await using var batch = db.ForTenant(caller.TenantId);
        var command = batch.Add("");
        var where = new SqlConditions(command);
        where.Where($"r.tenant_id = {where.Param(caller.TenantId)} AND NOT r.deleted")
            .WhereIf(SqlConditions.LikeLiteral(q), p => $"lower(r.name) LIKE '%' || {p} || '%'");
        if (after is not null)
        {
            where.Where($"(lower(r.name), r.id) > ({where.Param(after.Value ?? "")}, {where.Param(after.Id)})");
        }

        command.CommandText = $"SELECT r.id, r.state::text, r.version FROM roles r WHERE {where} ORDER BY lower(r.name), r.id LIMIT {where.Param(take + 1)}";
        var roles = new List<RoleInfo>();
        await using var reader = await batch.ReadAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            using var state = JsonDocument.Parse(reader.GetString(1));
            var root = state.RootElement;
            roles.Add(new RoleInfo(
                reader.GetGuid(0),
                root.GetProperty("name").GetString()!,
                root.TryGetProperty("builtIn", out var builtIn) && builtIn.ValueKind == JsonValueKind.String ? builtIn.GetString() : null,
                root.GetProperty("grants").Deserialize<PermissionGrant[]>(GrainJson.Options) ?? [],
                reader.GetInt64(2)));
        }

        return TypedResults.Ok(Page.FromRows(roles, take, role => new Cursor(role.Name.ToLowerInvariant(), role.Id)));
    }

    private static async Task<Ok<RoleInfo>> GetAsync(Guid id, Caller caller, IGrainFactory grains, HttpResponse response)
    {
        var role = await grains.GetGrain<IRoleGrain>(caller.TenantId, id).GetAsync();
        Versioning.SetETag(response, role.Version);
        return TypedResults.Ok(role);
    }

    private static async Task<Created<RoleInfo>> CreateAsync(SaveRoleRequest request, Caller caller, IGrainFactory grains)
    {
        Validate(request);
        RoleGuard.EnsureCallerHolds(caller, request.Grants!);
        var id = Guid.CreateVersion7();
        var role = await grains.GetGrain<IRoleGrain>(caller.TenantId, id).CreateAsync(new SaveRole(request.Name!.Trim(), request.Grants!), builtIn: null);
        return TypedResults.Created($"/api/v1/roles/{id}", role);
    }

    private static async Task<Ok<RoleInfo>> UpdateAsync(Guid id, SaveRoleRequest request, Caller caller, IGrainFactory grains, HttpContext context)
    {
        var grain = grains.GetGrain<IRoleGrain>(caller.TenantId, id);
        var current = await grain.GetAsync();
        Validate(request with { Name = request.Name ?? current.Name, Grants = request.Grants ?? [.. current.Grants] });
        RoleGuard.EnsureCallerHolds(caller, request.Grants ?? []);
        var role = await grain.UpdateAsync(new SaveRole((request.Name ?? current.Name).Trim(), request.Grants ?? current.Grants), Versioning.IfMatch(context.Request));
        Versioning.SetETag(context.Response, role.Version);
        return TypedResults.Ok(role);
    }

    private static async Task<NoContent> DeleteAsync(Guid id, Caller caller, IGrainFactory grains, HttpContext context)
    {
        await grains.GetGrain<IRoleGrain>(caller.TenantId, id).DeleteAsync(Versioning.IfMatch(context.Request));
        return TypedResults.NoContent();
    }

    private static void Validate(SaveRoleRequest request)
    {
        var validation = new Validation().Required("name", request.Name, 100).Check(request.Grants is not null, "grants", "Required (it may be empty).");
        foreach (var (grant, index) in (request.Grants ?? []).Select((g, i) => (g, i)))
        {
            validation
                .Check(grant is not null && Permissions.Exists(grant.Permission), $"grants[{index}].permission", "Not a permission of the catalog (GET /api/v1/permissions).")
                .Check(grant is not null && Enum.IsDefined(grant.Scope), $"grants[{index}].scope", "One of own, group, all.");
        }

        validation.ThrowIfInvalid();
    }
}
