using System.Reflection;
using M3CoreCRM.ApiHost.Errors;
using M3CoreCRM.Grains.Abstractions.Errors;
using M3CoreCRM.Grains.Abstractions.Identity;

namespace M3CoreCRM.ApiHost.Identity;

/// <summary>
/// The authenticated caller of a tenant-scoped request: tenant, user, the login's token family,
/// client address, the grants of the user's roles (the widest scope per permission), the user's
/// groups and their members (<paramref name="Peers"/>, the user included). Handlers take it as a parameter.
/// </summary>
public sealed record Caller(
    Guid TenantId, Guid UserId, Guid FamilyId, string? ClientAddress, IReadOnlyDictionary<string, PermissionScope> Grants, IReadOnlyList<Guid> GroupIds, IReadOnlySet<Guid> Peers)
{
    public PermissionScope? ScopeOf(string permission) => Grants.TryGetValue(permission, out var scope) ? scope : null;

    /// <summary>
    /// True when a record owned by <paramref name="ownerId"/> is within the caller's scope of
    /// <paramref name="permission"/>: the same rule as <see cref="ScopeFilter"/> in SQL, for a record
    /// read from its grain (an unowned record is reached only at scope <c>all</c>).
    /// </summary>
    public bool Reaches(string permission, Guid? ownerId) => ScopeOf(permission) switch
    {
        PermissionScope.All => true,
        PermissionScope.Group => ownerId is { } owner && Peers.Contains(owner),
        PermissionScope.Own => ownerId == UserId,
        _ => false,
    };

    /// <summary>404 for a record outside the caller's scope: it reads exactly as one that does not exist.</summary>
    public void EnsureReaches(string permission, Guid? ownerId, string what)
    {
        if (!Reaches(permission, ownerId))
        {
            throw DomainException.NotFound(what);
        }
    }

    public bool Can(string permission) => Grants.ContainsKey(permission);

    public static ValueTask<Caller?> BindAsync(HttpContext context, ParameterInfo parameter) =>
        ValueTask.FromResult(context.Items.TryGetValue(typeof(Caller), out var caller) ? caller as Caller : null);
}

/// <summary>Marks a route group as tenant-scoped: it needs a token, <c>X-Tenant-Id</c>, and the caller resolved.</summary>
public sealed class TenantScopedEndpoint;

/// <summary>The permission an endpoint requires; with <paramref name="Alternative"/>, either one will do (the handler narrows what the alternative allows).</summary>
public sealed record RequiredPermission(string Permission, string? Alternative = null)
{
    public bool IsMetBy(Caller caller) => caller.Can(Permission) || (Alternative is not null && caller.Can(Alternative));
}

public static class EndpointPermissionExtensions
{
    public static TBuilder RequirePermission<TBuilder>(this TBuilder builder, string permission, string? alternative = null)
        where TBuilder : IEndpointConventionBuilder
    {
        foreach (var name in new[] { permission, alternative }.OfType<string>())
        {
            if (!Permissions.Exists(name))
            {
                throw new ArgumentException($"'{name}' is not in the permission catalog.", nameof(permission));
            }
        }

        return builder.WithMetadata(new RequiredPermission(permission, alternative));
    }

    /// <summary>Writes through these endpoints can change who may do what: they refresh this host's access cache.</summary>
    public static RouteGroupBuilder ChangesAccess(this RouteGroupBuilder group) => group.WithMetadata(Identity.ChangesAccess.Instance);

    /// <summary>A route group for tenant-scoped endpoints: authenticated, tenant-checked, per-tenant and per-user rate limited.</summary>
    public static RouteGroupBuilder MapTenantGroup(this IEndpointRouteBuilder endpoints, string prefix, string tag) =>
        endpoints.MapGroup(prefix)
            .RequireAuthorization()
            .WithMetadata(new TenantScopedEndpoint())
            .WithTags(tag);
}
