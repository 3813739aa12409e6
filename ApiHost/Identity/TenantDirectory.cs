using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using M3CoreCRM.Grains.Persistence;
using Npgsql;

namespace M3CoreCRM.ApiHost.Identity;

/// <summary>A tenant as the request pipeline needs it.</summary>
public sealed record TenantRef(Guid Id, string Slug, string Status, string Name);

/// <summary>
/// Resolves <c>X-Tenant-Id</c> (an id or a slug) to a tenant. Slugs never change, so hits are kept
/// for a short while; a miss is never kept, so a tenant just signed up is found at once.
/// </summary>
public sealed partial class TenantDirectory(NpgsqlDataSource dataSource, TimeProvider time)
{
    private static readonly TimeSpan KeepFor = TimeSpan.FromSeconds(10);
    private readonly ConcurrentDictionary<string, (TenantRef Tenant, DateTimeOffset Until)> _cache = new(StringComparer.Ordinal);

    /// <summary>
    /// A slug matches <c>^[a-z0-9][a-z0-9-]{1,62}$</c> and is not shaped like an id: <c>X-Tenant-Id</c> is read as an
    /// id first, so a slug that parses as a UUID (another tenant's id, say) could never reach its own tenant.
    /// </summary>
    public static bool IsValidSlug(string slug) => Slug().IsMatch(slug) && !Guid.TryParse(slug, out _);

    public async Task<TenantRef?> FindAsync(string idOrSlug, CancellationToken cancellationToken)
    {
        if (_cache.TryGetValue(idOrSlug, out var hit) && hit.Until > time.GetUtcNow())
        {
            return hit.Tenant;
        }

        // Which tenant a request names is not known yet: this lookup is the one place the API reads across tenants.
        await using var batch = dataSource.ForSystem();
        if (Guid.TryParse(idOrSlug, out var id))
        {
            batch.Add("SELECT id, slug, state ->> 'status', name FROM tenants WHERE tenant_id = $1 AND id = $1").With(id);
        }
        else if (IsValidSlug(idOrSlug))
        {
            batch.Add("SELECT id, slug, state ->> 'status', name FROM tenants WHERE slug = $1").With(idOrSlug);
        }
        else
        {
            return null;
        }

        {
            await using var reader = await batch.ReadAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return null;
            }

            var tenant = new TenantRef(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3));
            _cache[idOrSlug] = (tenant, time.GetUtcNow() + KeepFor);
            return tenant;
        }
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{1,62}$")]
    private static partial Regex Slug();
}
