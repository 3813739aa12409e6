using System.Text.Json;
using M3CoreCRM.ApiHost.Identity;
using M3CoreCRM.Grains.Abstractions.Leads;
using M3CoreCRM.Grains.Persistence;
using Npgsql;

namespace M3CoreCRM.ApiHost.Leads;

/// <summary>The SQL reads of leads that the grains do not answer: scope checks, duplicates, people and groups.</summary>
public sealed class LeadQueries(NpgsqlDataSource db)
{
    /// <summary>
    /// True when the lead exists and is within the caller's scope of <paramref name="permission"/>, or,
    /// with <paramref name="orLockedToCaller"/>, is locked to the caller for a call right now (an agent
    /// reads, and logs calls on, the leads a queue hands them; nothing more).
    /// </summary>
    public async Task<bool> InScopeAsync(Caller caller, Guid leadId, string permission, CancellationToken cancellationToken, bool orLockedToCaller = false)
    {
        await using var batch = db.ForTenant(caller.TenantId);
        var command = batch.Add("");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = caller.TenantId });
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = leadId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = caller.UserId.ToString() });
        var scope = ScopeFilter.Condition(caller, permission, "l.owner_id", command);
        command.CommandText = $"""
            SELECT 1 FROM leads l
            WHERE l.tenant_id = $1 AND l.id = $2 AND NOT l.deleted
              AND ({scope} OR ({(orLockedToCaller ? "TRUE" : "FALSE")} AND l.locked_until > now() AND l.state -> 'calls' ->> 'lockedBy' = $3))
            """;
        return await batch.ScalarAsync(cancellationToken) is not null;
    }

    /// <summary>
    /// The open lead that already has this phone or email, a deliberate duplicate included: only the
    /// request that says <c>allowDuplicate</c> gets past it. (Under a race, the unique indexes decide.)
    /// </summary>
    public async Task<Guid?> DuplicateOfAsync(Guid tenantId, string? phone, string? email, Guid? except, CancellationToken cancellationToken)
    {
        if (phone is null && email is null)
        {
            return null;
        }

        await using var batch = db.ForTenant(tenantId);
        batch.Add("""
            SELECT id FROM leads
            WHERE tenant_id = $1 AND category = 'open' AND NOT deleted AND id <> $4
              AND (phone = $2 OR email = $3)
            LIMIT 1
            """).With(tenantId).With(phone ?? "").With(email ?? "").With(except ?? Guid.Empty);
        return await batch.ScalarAsync(cancellationToken) as Guid?;
    }

    /// <summary>True when the user is an active member of the tenant.</summary>
    public async Task<bool> ActiveUserAsync(Guid tenantId, Guid userId, CancellationToken cancellationToken)
    {
        await using var batch = db.ForTenant(tenantId);
        batch.Add("SELECT 1 FROM users WHERE tenant_id = $1 AND id = $2 AND status = 'active'").With(tenantId).With(userId);
        return await batch.ScalarAsync(cancellationToken) is not null;
    }

    public async Task<bool> GroupExistsAsync(Guid tenantId, Guid groupId, CancellationToken cancellationToken)
    {
        await using var batch = db.ForTenant(tenantId);
        batch.Add("SELECT 1 FROM groups WHERE tenant_id = $1 AND id = $2 AND NOT deleted").With(tenantId).With(groupId);
        return await batch.ScalarAsync(cancellationToken) is not null;
    }

    public async Task<bool> MemberOfAsync(Guid tenantId, Guid groupId, Guid userId, CancellationToken cancellationToken)
    {
        await using var batch = db.ForTenant(tenantId);
        batch.Add("SELECT 1 FROM groups WHERE tenant_id = $1 AND id = $2 AND NOT deleted AND (state -> 'memberIds') ? $3").With(tenantId).With(groupId).With(userId.ToString());
        return await batch.ScalarAsync(cancellationToken) is not null;
    }

    /// <summary>True when <paramref name="userId"/> is the caller or a member of one of the caller's groups.</summary>
    public async Task<bool> InCallersGroupsAsync(Caller caller, Guid userId, CancellationToken cancellationToken)
    {
        if (userId == caller.UserId)
        {
            return true;
        }

        await using var batch = db.ForTenant(caller.TenantId);
        batch.Add("""
            SELECT 1 FROM groups g
            WHERE g.tenant_id = $1 AND NOT g.deleted AND (g.state -> 'memberIds') ? $2 AND (g.state -> 'memberIds') ? $3
            LIMIT 1
            """).With(caller.TenantId).With(caller.UserId.ToString()).With(userId.ToString());
        return await batch.ScalarAsync(cancellationToken) is not null;
    }

    /// <summary>A lead as stored, for list rows: the same shape as <c>GET /leads/{id}</c>.</summary>
    public static LeadInfo FromRow(NpgsqlDataReader reader) =>
        JsonSerializer.Deserialize<LeadInfo>(reader.GetString(1), GrainJson.Options)! with { Id = reader.GetGuid(0), Version = reader.GetInt64(2) };
}
