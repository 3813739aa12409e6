using M3CoreCRM.Grains.Abstractions.Identity;
using M3CoreCRM.Grains.Abstractions.Errors;
using M3CoreCRM.Grains.Abstractions.Tenancy;
using M3CoreCRM.Grains.Persistence;
using Npgsql;

namespace M3CoreCRM.ApiHost.Identity;

/// <summary>
/// Rules that keep role management from becoming privilege escalation: a caller hands out only
/// grants they hold themselves (at the same or a narrower scope); only an owner grants, removes or
/// touches the owner role or an owner's account; the last active owner can be neither removed nor
/// disabled.
/// </summary>
public sealed class RoleGuard(IGrainFactory grains, NpgsqlDataSource db)
{
    /// <summary>Grants that a role created or changed by the caller may carry.</summary>
    public static void EnsureCallerHolds(Caller caller, IEnumerable<PermissionGrant> grants)
    {
        var beyond = grants.Where(g => caller.ScopeOf(g.Permission) is not { } held || held < g.Scope).Select(g => g.Permission).Distinct().ToArray();
        if (beyond.Length > 0)
        {
            throw new DomainException(DomainErrorKind.Forbidden, "forbidden", $"You cannot hand out grants you do not hold: {string.Join(", ", beyond)}.");
        }
    }

    /// <summary>Checks a change of <paramref name="targetUserId"/>'s roles (null: unchanged) and status by the caller.</summary>
    public async Task EnsureAllowedAsync(Caller caller, Guid? targetUserId, IReadOnlyList<Guid>? newRoleIds, bool disabling)
    {
        var tenant = await grains.GetGrain<ITenantGrain>(caller.TenantId, caller.TenantId).GetAsync();
        var ownerRole = tenant.BuiltInRoleIds[BuiltInRoles.Owner];
        var callerIsOwner = (await grains.GetGrain<IUserGrain>(caller.TenantId, caller.UserId).GetAsync()).RoleIds.Contains(ownerRole);
        var currentRoles = targetUserId is { } id ? (await grains.GetGrain<IUserGrain>(caller.TenantId, id).GetAsync()).RoleIds : [];
        var targetIsOwner = currentRoles.Contains(ownerRole);

        if (!callerIsOwner && (targetIsOwner || newRoleIds?.Contains(ownerRole) == true))
        {
            throw new DomainException(DomainErrorKind.Forbidden, "forbidden", "Only an owner can grant the owner role or change an owner's account.");
        }

        foreach (var added in (newRoleIds ?? []).Except(currentRoles))
        {
            EnsureCallerHolds(caller, (await grains.GetGrain<IRoleGrain>(caller.TenantId, added).GetAsync()).Grants);
        }

        var losesOwner = targetIsOwner && (disabling || (newRoleIds is not null && !newRoleIds.Contains(ownerRole)));
        if (losesOwner && await ActiveOwnersAsync(caller.TenantId, ownerRole) <= 1)
        {
            throw new DomainException(DomainErrorKind.Conflict, "last_owner", "The tenant must keep at least one active owner.");
        }
    }

    private async Task<long> ActiveOwnersAsync(Guid tenantId, Guid ownerRole)
    {
        await using var batch = db.ForTenant(tenantId);
        batch.Add("SELECT count(*) FROM users WHERE tenant_id = $1 AND status = 'active' AND (state -> 'roleIds') ? $2").With(tenantId).With(ownerRole.ToString());
        return (long)(await batch.ScalarAsync(CancellationToken.None))!;
    }
}
