using System.Collections.Concurrent;
using System.Text.Json;
using M3CoreCRM.Grains.Abstractions.Identity;
using M3CoreCRM.Grains.Persistence;
using Npgsql;

namespace M3CoreCRM.ApiHost.Identity;

/// <summary>
/// The user's standing on each request: active, same security stamp as the token, the token's login
/// (family) not revoked, the grants of their roles, the groups they belong to and the members of those
/// groups (their peers, themselves included: what scope <c>group</c> reaches). One query.
/// </summary>
public sealed record UserAccess(
    bool Active, Guid SecurityStamp, bool SessionLive, IReadOnlyDictionary<string, PermissionScope> Grants, IReadOnlyList<Guid> GroupIds, IReadOnlySet<Guid> Peers);

/// <summary>
/// Resolves a caller's access, reusing a resolution for <see cref="AuthOptions.AccessCacheLifetime"/>.
/// Requests that change identity (users, roles, groups, sessions, the tenant) invalidate their
/// tenant's entries before their response starts, so the next request through this host sees the change.
/// </summary>
public sealed class AccessResolver(NpgsqlDataSource dataSource, AuthOptions options, TimeProvider time)
{
    /// <summary>Past this many entries the cache starts afresh: a bound on memory, not an eviction policy.</summary>
    private const int MaxEntries = 100_000;

    private readonly ConcurrentDictionary<(Guid Tenant, Guid User, Guid Family), CachedAccess> _cache = new();
    private readonly ConcurrentDictionary<Guid, long> _generations = new();

    /// <summary>Null when the user does not exist in the tenant.</summary>
    public async Task<UserAccess?> GetAsync(Guid tenantId, Guid userId, Guid familyId, CancellationToken cancellationToken)
    {
        if (options.AccessCacheLifetime <= TimeSpan.Zero)
        {
            return await LoadAsync(tenantId, userId, familyId, cancellationToken);
        }

        var key = (tenantId, userId, familyId);
        var generation = _generations.GetValueOrDefault(tenantId);
        var now = time.GetTimestamp();
        if (_cache.TryGetValue(key, out var cached) && cached.Generation == generation && time.GetElapsedTime(cached.LoadedAt, now) < options.AccessCacheLifetime)
        {
            return cached.Access;
        }

        // The generation is read before the query: an invalidation while it runs leaves this entry stale, so it is not reused.
        var access = await LoadAsync(tenantId, userId, familyId, cancellationToken);
        if (_cache.Count >= MaxEntries)
        {
            _cache.Clear();
        }

        _cache[key] = new CachedAccess(access, generation, now);
        return access;
    }

    /// <summary>Forgets every cached resolution of the tenant.</summary>
    public void Invalidate(Guid tenantId) => _generations.AddOrUpdate(tenantId, 1, (_, generation) => generation + 1);

    private async Task<UserAccess?> LoadAsync(Guid tenantId, Guid userId, Guid familyId, CancellationToken cancellationToken)
    {
        await using var batch = dataSource.ForTenant(tenantId);
        batch.Add("""
            SELECT u.status, u.state ->> 'securityStamp',
                   coalesce(jsonb_agg(r.state -> 'grants') FILTER (WHERE r.id IS NOT NULL), '[]'::jsonb)::text,
                   EXISTS (SELECT 1 FROM token_families f WHERE f.tenant_id = u.tenant_id AND f.id = $3 AND f.user_id = u.id
                           AND NOT coalesce((f.state ->> 'revoked')::boolean, false)),
                   ARRAY(SELECT g.id FROM groups g
                         WHERE g.tenant_id = u.tenant_id AND NOT g.deleted AND (g.state -> 'memberIds') ? u.id::text ORDER BY g.id),
                   ARRAY(SELECT DISTINCT member.id::uuid FROM groups g, jsonb_array_elements_text(g.state -> 'memberIds') AS member(id)
                         WHERE g.tenant_id = u.tenant_id AND NOT g.deleted AND (g.state -> 'memberIds') ? u.id::text)
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

        var peers = new HashSet<Guid>(reader.GetFieldValue<Guid[]>(5)) { userId };
        return new UserAccess(reader.GetString(0) == "active", Guid.Parse(reader.GetString(1)), reader.GetBoolean(3), grants, reader.GetFieldValue<Guid[]>(4), peers);
    }

    private sealed record CachedAccess(UserAccess? Access, long Generation, long LoadedAt);
}

/// <summary>Marks endpoints whose writes can change someone's access; see <see cref="AccessResolver"/>.</summary>
public sealed class ChangesAccess
{
    public static readonly ChangesAccess Instance = new();
}
