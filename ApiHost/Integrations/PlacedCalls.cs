using M3CoreCRM.Grains.Abstractions.Leads;
using M3CoreCRM.Grains.Persistence;
using Npgsql;

namespace M3CoreCRM.ApiHost.Integrations;

/// <summary>The click-to-calls agents placed, as a disposition finds the call it tells of.</summary>
public static class PlacedCalls
{
    /// <summary>How long after placing a call its agent may still log its disposition as that call's.</summary>
    public static readonly TimeSpan DispositionWindow = TimeSpan.FromHours(2);

    /// <summary>
    /// The agent's latest click-to-call to the record (a <c>lead</c> or <c>contact</c>) within <see cref="DispositionWindow"/>
    /// that got through to the provider (not failed or canceled), or null. The record's grain decides whether the
    /// disposition is that call's.
    /// </summary>
    public static async Task<PlacedCall?> LatestAsync(NpgsqlDataSource db, Guid tenantId, Guid agentId, string subjectType, Guid subjectId, CancellationToken cancellationToken)
    {
        await using var batch = db.ForTenant(tenantId);
        batch.Add("""
            SELECT id, created_at FROM voip_calls
            WHERE tenant_id = $1 AND subject_type = $2 AND subject_id = $3 AND agent_id = $4
              AND status NOT IN ('failed', 'canceled') AND created_at > clock_timestamp() - $5::interval
            ORDER BY created_at DESC LIMIT 1
            """).With(tenantId).With(subjectType).With(subjectId).With(agentId).With(DispositionWindow);
        await using var reader = await batch.ReadAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new PlacedCall(reader.GetGuid(0), reader.GetFieldValue<DateTime>(1))
            : null;
    }
}
