using M3CoreCRM.Grains.Persistence;
using Npgsql;

namespace M3CoreCRM.ApiHost.Inventory;

/// <summary>Lookups that validate references between inventory records before a grain call.</summary>
public sealed class InventoryQueries(NpgsqlDataSource db)
{
    public async Task<bool> ProjectExistsAsync(Guid tenantId, Guid projectId, CancellationToken cancellationToken)
    {
        await using var batch = db.ForTenant(tenantId);
        batch.Add("SELECT 1 FROM projects WHERE tenant_id = $1 AND id = $2").With(tenantId).With(projectId);
        return await batch.ScalarAsync(cancellationToken) is not null;
    }

    /// <summary>The catalog's own spelling of each given code (matched regardless of case); codes not in the catalog are absent.</summary>
    public async Task<Dictionary<string, string>> CatalogCodesAsync(Guid tenantId, string kind, IEnumerable<string> codes, CancellationToken cancellationToken)
    {
        var wanted = codes.Select(c => c.ToLowerInvariant()).Distinct().ToArray();
        var found = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (wanted.Length == 0)
        {
            return found;
        }

        await using var batch = db.ForTenant(tenantId);
        batch.Add("SELECT code FROM type_codes WHERE tenant_id = $1 AND kind = $2 AND lower(code) = ANY($3)").With(tenantId).With(kind).With(wanted);
        await using var reader = await batch.ReadAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var code = reader.GetString(0);
            found[code] = code;
        }

        return found;
    }
}
