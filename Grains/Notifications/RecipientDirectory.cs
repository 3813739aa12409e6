using System.Text.Json;
using M3CoreCRM.Grains.Abstractions.Identity;
using M3CoreCRM.Grains.Persistence;
using Npgsql;

namespace M3CoreCRM.Grains.Notifications;

/// <summary>
/// The people of one tenant as notification recipients, loaded once per dispatch: whether each is
/// active, their grants, and the members of their groups, so that a notification goes only to someone
/// who may read the record it is about.
/// </summary>
internal sealed class RecipientDirectory(NpgsqlDataSource dataSource, Guid tenantId)
{
    private readonly Dictionary<Guid, EventViewer?> _viewers = [];
    private List<Guid[]>? _groups;

    /// <summary>The recipient as a viewer of events; null when they are not an active user of the tenant.</summary>
    public async Task<EventViewer?> ViewerAsync(Guid userId, CancellationToken cancellationToken)
    {
        if (_viewers.TryGetValue(userId, out var known))
        {
            return known;
        }

        await using var batch = dataSource.ForTenant(tenantId);
        batch.Add("""
            SELECT coalesce(jsonb_agg(r.state -> 'grants') FILTER (WHERE r.id IS NOT NULL), '[]'::jsonb)::text
            FROM users u
            LEFT JOIN roles r ON r.tenant_id = u.tenant_id AND NOT r.deleted AND (u.state -> 'roleIds') ? r.id::text
            WHERE u.tenant_id = $1 AND u.id = $2 AND u.status = 'active'
            GROUP BY u.id
            """).With(tenantId).With(userId);
        var grantsJson = await batch.ScalarAsync(cancellationToken) as string;
        EventViewer? viewer = null;
        if (grantsJson is not null)
        {
            var grants = new Dictionary<string, PermissionScope>(StringComparer.Ordinal);
            foreach (var grant in (JsonSerializer.Deserialize<PermissionGrant[][]>(grantsJson, GrainJson.Options) ?? []).SelectMany(g => g))
            {
                if (!grants.TryGetValue(grant.Permission, out var scope) || scope < grant.Scope)
                {
                    grants[grant.Permission] = grant.Scope;
                }
            }

            var peers = new HashSet<Guid> { userId };
            if (grants.ContainsValue(PermissionScope.Group))
            {
                foreach (var members in await GroupsAsync(cancellationToken))
                {
                    if (members.Contains(userId))
                    {
                        peers.UnionWith(members);
                    }
                }
            }

            viewer = new EventViewer(userId, grants, peers);
        }

        _viewers[userId] = viewer;
        return viewer;
    }

    private async Task<List<Guid[]>> GroupsAsync(CancellationToken cancellationToken)
    {
        if (_groups is not null)
        {
            return _groups;
        }

        await using var batch = dataSource.ForTenant(tenantId);
        batch.Add("SELECT coalesce(state -> 'memberIds', '[]'::jsonb)::text FROM groups WHERE tenant_id = $1 AND NOT deleted").With(tenantId);
        _groups = [];
        await using var reader = await batch.ReadAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            _groups.Add(JsonSerializer.Deserialize<Guid[]>(reader.GetString(0)) ?? []);
        }

        return _groups;
    }
}
