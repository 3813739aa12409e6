using M3CoreCRM.ApiHost.Identity;
using M3CoreCRM.Grains.Abstractions.Identity;

namespace M3CoreCRM.ApiHost.Roles;

public sealed record PermissionView(string Name, string Description);

/// <summary>The permission catalog that role grants draw from.</summary>
public static class PermissionsApi
{
    public static RouteGroupBuilder MapPermissionsApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapTenantGroup("/api/v1/permissions", "Roles");
        group.MapGet("", List).WithName("ListPermissions").WithSummary("List the permission catalog");
        return group;
    }

    private static Ok<IReadOnlyList<PermissionView>> List() =>
        TypedResults.Ok<IReadOnlyList<PermissionView>>([.. Permissions.Catalog.Select(p => new PermissionView(p.Name, p.Description))]);
}
