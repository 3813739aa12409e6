using System.Text.Json;
using M3CoreCRM.Grains.Abstractions.Identity;
using M3CoreCRM.Runtime.Persistence;
using Npgsql;

namespace M3CoreCRM.ApiHost.Identity;

/// <summary>
/// The user's standing on each request: active, same security stamp as the token, the token's login
/// (family) not revoked, and the grants of their roles. One query.
/// </summary>
public sealed record UserAccess(bool Active, Guid SecurityStamp, bool SessionLive, IReadOnlyDictionary<string, PermissionScope> Grants);

public sealed class AccessResolver(NpgsqlDataSource dataSource)
{
    /// <summary>Null when the user does not exist in the tenant.</summary>
    public async Task<UserAccess?> GetAsync(Guid tenantId, Guid userId, Guid familyId, CancellationToken cancellationToken)
    {
        await using var batch = dataSource.ForTenant(tenantId);
        batch.Add("""
            SELECT u.status, u.state ->> 'securityStamp',
                   coalesce(jsonb_agg(r.state -> 'grants') FILTER (WHERE r.id IS NOT NULL), '[]'::jsonb)::text,
                   EXISTS (SELECT 1 FROM token_families f WHERE f.tenant_id = u.tenant_id AND f.id = $3 AND f.user_id = u.id
                           AND NOT coalesce((f.state ->> 'revoked')::boolean, false))
            FROM users u
            LEFT JOIN roles r ON r.tenant_id = u.tenant_id AND NOT r.deleted AND (u.state -> 'roleIds') ? r.id::text
            WHERE u.tenant_id = $1 AND u.id = $2
            GROUP BY u.status, u.state, u.tenant_id, u.id
            """).With(tenantId).With(userId).With(familyId);
        await using var reader = await batch.ReadAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var grants = new Dictionary<string, PermissionScope>(StringComparer.Ordinal);
        foreach (var roleGrants in JsonSerializer.Deserialize<PermissionGrant[][]>(reader.GetString(2), GrainJson.Options) ?? [])
        {
            foreach (var grant in roleGrants)
            {
                if (!grants.TryGetValue(grant.Permission, out var scope) || scope < grant.Scope)
                {
                    grants[grant.Permission] = grant.Scope;
                }
            }
        }

        return new UserAccess(reader.GetString(0) == "active", Guid.Parse(reader.GetString(1)), reader.GetBoolean(3), grants);
    }
}
