using System.Text.Json;
using M3CoreCRM.Grains.Abstractions.Approvals;
using M3CoreCRM.Grains.Persistence;
using Npgsql;

namespace M3CoreCRM.Grains.Approvals;

/// <summary>
/// Used by the grains that own gated actions, inside their turn: finds the tenant's policy that covers a request,
/// and opens the approval it then waits for. Policies are read from PostgreSQL each time, so one saved a moment
/// ago applies to the next request.
/// </summary>
public sealed class ApprovalGate(NpgsqlDataSource dataSource)
{
    /// <summary>
    /// The policy that gates this request: of those whose condition the input meets, the one with the most levels
    /// (the oldest among equals). Null when none does, and for the system's own actions (no person asked).
    /// </summary>
    public async Task<PolicyMatch?> MatchAsync(Guid tenantId, string action, object input)
    {
        if (CallerContext.ActorId is not { } requester)
        {
            return null;
        }

        var inputJson = JsonSerializer.SerializeToElement(input, GrainJson.Options);
        await using var batch = dataSource.ForTenant(tenantId);
        batch.Add("SELECT id, state::text FROM approval_policies WHERE tenant_id = $1 AND action = $2 AND NOT deleted ORDER BY created_at, id")
            .With(tenantId).With(action);
        MatchedPolicy? best = null;
        await using (var reader = await batch.ReadAsync(CancellationToken.None))
        {
            while (await reader.ReadAsync())
            {
                var policy = JsonSerializer.Deserialize<ApprovalPolicyState>(reader.GetString(1), GrainJson.Options)!;
                if ((policy.Condition is null || policy.Condition.IsMetBy(inputJson)) && policy.Levels > (best?.Levels ?? 0))
                {
                    best = new MatchedPolicy(reader.GetGuid(0), policy.Name, policy.ApproverRoleIds, policy.ApproverGroupIds, policy.ApproverUserIds, policy.Levels,
                        policy.ExpiresAfterMinutes ?? ApprovalPolicyLimits.DefaultExpiresAfterMinutes);
                }
            }
        }

        return best is null ? null : new PolicyMatch(action, inputJson, requester, best);
    }

    /// <summary>Opens the approval a matched request waits for; nothing about the subject changes.</summary>
    public static Task<ApprovalTicket> RequestAsync(IGrainFactory grains, Guid tenantId, PolicyMatch match, ApprovalSubject subject) =>
        grains.GetGrain<IApprovalGrain>(tenantId, Guid.CreateVersion7()).RequestAsync(new RequestApproval(match.Action, subject, match.Input, match.RequestedBy, match.Policy));

    /// <summary>A change that needs approval came with other changes: they are refused together, so nothing is half done.</summary>
    public static DomainException MixedChange(string what, string how) =>
        new(DomainErrorKind.Conflict, "approval_required", $"{what} needs approval under this tenant's policies, so it cannot be combined with other changes; {how}");
}

/// <summary>A request that a policy gates: the action, its input, who asked, and the policy.</summary>
public sealed record PolicyMatch(string Action, JsonElement Input, Guid RequestedBy, MatchedPolicy Policy);
