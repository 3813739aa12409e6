using M3CoreCRM.ApiHost.Leads;
using M3CoreCRM.Grains.Abstractions.Identity;
using M3CoreCRM.Grains.Abstractions.Errors;

namespace M3CoreCRM.ApiHost.Identity;

/// <summary>Who may be made the owner of a record (a lead, a contact, a company) by whom.</summary>
public static class Ownership
{
    /// <summary>The wider of the caller's scopes of two permissions (null when they have neither).</summary>
    public static PermissionScope? WidestOf(Caller caller, string first, string second) =>
        (caller.ScopeOf(first), caller.ScopeOf(second)) switch
        {
            (null, var b) => b,
            (var a, null) => a,
            (var a, var b) => a > b ? a : b,
        };

    /// <summary>The owner must be an active user within <paramref name="scope"/>: the caller (own), their groups' members (group), anyone (all).</summary>
    public static async Task EnsureMayOwnAsync(LeadQueries leads, Caller caller, Guid ownerId, Guid? groupId, PermissionScope? scope, CancellationToken cancellationToken)
    {
        if (!await leads.ActiveUserAsync(caller.TenantId, ownerId, cancellationToken))
        {
            throw DomainException.Invalid("ownerId", "No such active user in this tenant.");
        }

        if (groupId is { } group && !await leads.GroupExistsAsync(caller.TenantId, group, cancellationToken))
        {
            throw DomainException.Invalid("groupId", "No such group in this tenant.");
        }

        var allowed = scope switch
        {
            PermissionScope.All => true,
            PermissionScope.Group => await leads.InCallersGroupsAsync(caller, ownerId, cancellationToken),
            PermissionScope.Own => ownerId == caller.UserId,
            _ => false,
        };
        if (!allowed)
        {
            throw new DomainException(DomainErrorKind.Forbidden, "forbidden", "Your scope does not reach that owner.");
        }
    }
}
