using System.Text.Json;
using M3CoreCRM.Grains.Abstractions.Approvals;
using M3CoreCRM.Grains.Abstractions.Deals;
using M3CoreCRM.Grains.Abstractions.Identity;
using M3CoreCRM.Grains.Abstractions.Inventory;
using M3CoreCRM.Grains.Abstractions.Leads;
using M3CoreCRM.Grains.Events;
using M3CoreCRM.Grains.Persistence;
using Npgsql;

namespace M3CoreCRM.Grains.Approvals;

public sealed class ApprovalState
{
    public string Action { get; set; } = "";

    public ApprovalSubject Subject { get; set; } = new("", Guid.Empty);

    public JsonElement Input { get; set; }

    public Guid RequestedBy { get; set; }

    public Guid PolicyId { get; set; }

    public string PolicyName { get; set; } = "";

    public int Levels { get; set; }

    public int CurrentLevel { get; set; }

    /// <summary>Who may decide: the people the policy named when the request was made, the requester left out.</summary>
    public IReadOnlyList<Guid> ApproverIds { get; set; } = [];

    public List<ApprovalDecision> Decisions { get; set; } = [];

    public ApprovalStatus Status { get; set; }

    public string? Detail { get; set; }

    /// <summary>
    /// The last level approved and the subject has not yet been told (or its answer not yet recorded).
    /// Until it has, the request stays pending; a reminder finishes it if this activation cannot.
    /// </summary>
    public bool Applying { get; set; }

    public DateTime ExpiresAt { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime? DecidedAt { get; set; }
}

[GrainType("approval")]
public sealed class ApprovalGrain([PersistentState("approvals", CrmStorage.Name)] IPersistentState<ApprovalState> state, NpgsqlDataSource dataSource) : CrmGrain, IApprovalGrain, IRemindable
{
    private const string ExpiryReminder = "expire";
    private const string ApplyReminder = "apply";

    public async Task<ApprovalTicket> RequestAsync(RequestApproval request)
    {
        if (state.RecordExists)
        {
            throw new DomainException(DomainErrorKind.Conflict, "approval_exists", "This approval already exists.");
        }

        var approvers = await ApproversAsync(request.Policy, request.RequestedBy);
        if (approvers.Count < request.Policy.Levels)
        {
            throw new DomainException(DomainErrorKind.Conflict, "no_approvers",
                $"The approval policy '{request.Policy.Name}' needs {request.Policy.Levels} approver(s) other than you, each active and holding 'approvals.decide', and it names {approvers.Count}. Ask an administrator to change the policy.");
        }

        var now = DateTime.UtcNow;
        var expiresAt = now.AddMinutes(request.Policy.ExpiresAfterMinutes);

        // The reminder goes in before the request is written: if the write fails, it finds no request and does nothing.
        await RemindOnceAsync(ExpiryReminder, expiresAt - now);
        state.State = new ApprovalState
        {
            Action = request.Action,
            Subject = request.Subject,
            Input = request.Input,
            RequestedBy = request.RequestedBy,
            PolicyId = request.Policy.Id,
            PolicyName = request.Policy.Name,
            Levels = request.Policy.Levels,
            CurrentLevel = 1,
            ApproverIds = approvers,
            Status = ApprovalStatus.Pending,
            ExpiresAt = expiresAt,
            CreatedAt = now,
        };
        await WriteAsync("approval.requested", new() { ["status"] = new(null, ApprovalStatus.Pending) });
        return new ApprovalTicket(Key, ApprovalStatus.Pending);
    }

    public Task<ApprovalInfo> GetAsync()
    {
        EnsureExists();
        return Task.FromResult(Info());
    }

    public async Task<ApprovalInfo> ApproveAsync(DecideApproval decision)
    {
        await EnsureDecidableAsync(decision);
        var s = state.State;
        var level = s.CurrentLevel;
        s.Decisions.Add(new ApprovalDecision(level, decision.UserId, ApprovalDecisionKind.Approved, decision.Comment, DateTime.UtcNow));
        if (level < s.Levels)
        {
            s.CurrentLevel = level + 1;
            await WriteAsync("approval.decided", new() { ["level"] = new(level, level + 1) }, decision.UserId, ApprovalDecisionKind.Approved);
            return Info();
        }

        // The decision is stored before the subject is told, with a reminder that tells it should this activation not get that far.
        await RemindOnceAsync(ApplyReminder, TimeSpan.FromMinutes(1));
        s.Applying = true;
        await state.WriteStateAsync();
        await FinishAsync();
        return Info();
    }

    public async Task<ApprovalInfo> RejectAsync(DecideApproval decision)
    {
        await EnsureDecidableAsync(decision);
        var s = state.State;
        s.Decisions.Add(new ApprovalDecision(s.CurrentLevel, decision.UserId, ApprovalDecisionKind.Rejected, decision.Comment, DateTime.UtcNow));
        await CloseAsync(ApprovalStatus.Rejected, decision.Comment is { Length: > 0 } comment ? $"Rejected at level {s.CurrentLevel}: {comment}" : $"Rejected at level {s.CurrentLevel}.",
            decision.UserId, ApprovalDecisionKind.Rejected);
        return Info();
    }

    public async Task<ApprovalInfo> CancelAsync(CancelApproval cancellation)
    {
        await EnsureOpenAsync();
        if (cancellation.UserId != state.State.RequestedBy && !cancellation.MayCancelAny)
        {
            throw new DomainException(DomainErrorKind.Forbidden, "forbidden", "Only the requester (or a holder of 'approvals.manage') may cancel a request.");
        }

        await CloseAsync(ApprovalStatus.Cancelled, cancellation.Comment is { Length: > 0 } comment ? $"Cancelled: {comment}" : "Cancelled.", cancellation.UserId, null);
        return Info();
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) => HandleOnceAsync(reminderName, () => OnReminderAsync(reminderName));

    private async Task OnReminderAsync(string reminderName)
    {
        if (!state.RecordExists)
        {
            return;
        }

        if (state.State.Applying)
        {
            await FinishAsync();
        }
        else if (reminderName == ExpiryReminder && state.State.Status == ApprovalStatus.Pending)
        {
            await ExpireAsync();
        }
    }

    /// <summary>Has the subject apply the approved action (or refuse it, with the rule that no longer holds) and records the outcome.</summary>
    private async Task FinishAsync()
    {
        var s = state.State;
        var approved = new ApprovedAction(Key, s.Action, s.Input, s.RequestedBy);
        var outcome = s.Subject.Type switch
        {
            "unit" => await GrainFactory.GetGrain<IUnitGrain>(TenantId, s.Subject.Id).ApplyApprovedAsync(approved),
            "deal" => await GrainFactory.GetGrain<IDealGrain>(TenantId, s.Subject.Id).ApplyApprovedAsync(approved),
            "lead" => await GrainFactory.GetGrain<ILeadGrain>(TenantId, s.Subject.Id).ApplyApprovedAsync(approved),
            _ => ApprovalOutcome.Refused($"Nothing applies approvals to a {s.Subject.Type}."),
        };
        s.Applying = false;
        var last = s.Decisions[^1];
        await CloseAsync(outcome.Applied ? ApprovalStatus.Approved : ApprovalStatus.Rejected,
            outcome.Applied ? "Approved and applied." : $"Approved, but no longer valid: {outcome.Reason}", last.UserId, ApprovalDecisionKind.Approved);
        await ForgetReminderAsync(ApplyReminder);
    }

    private async Task ExpireAsync()
    {
        await CloseAsync(ApprovalStatus.Expired, $"No decision before {state.State.ExpiresAt:O}; nothing changed.", null, null);
    }

    private async Task CloseAsync(ApprovalStatus status, string detail, Guid? decidedBy, ApprovalDecisionKind? decision)
    {
        var s = state.State;
        var before = s.Status;
        s.Status = status;
        s.Detail = detail;
        s.DecidedAt = DateTime.UtcNow;
        await WriteAsync("approval.decided", new() { ["status"] = new(before, status), ["detail"] = new(null, detail) }, decidedBy, decision);
        await ForgetReminderAsync(ExpiryReminder);
    }

    /// <summary>The request is open for this person's decision at its current level.</summary>
    private async Task EnsureDecidableAsync(DecideApproval decision)
    {
        await EnsureOpenAsync();
        var s = state.State;
        if (decision.UserId == s.RequestedBy)
        {
            throw new DomainException(DomainErrorKind.Forbidden, "self_approval", "You made this request; someone else must decide it.");
        }

        if (!s.ApproverIds.Contains(decision.UserId))
        {
            throw new DomainException(DomainErrorKind.Forbidden, "forbidden", "You are not an approver of this request.");
        }

        if (s.Decisions.Any(d => d.UserId == decision.UserId))
        {
            throw new DomainException(DomainErrorKind.Forbidden, "already_decided", $"You approved level {s.Decisions.First(d => d.UserId == decision.UserId).Level}; each level needs a different approver.");
        }

        if (decision.Level is { } level && level != s.CurrentLevel)
        {
            throw new DomainException(DomainErrorKind.Conflict, "level_changed", $"Level {level} was decided already; level {s.CurrentLevel} of {s.Levels} awaits a decision now.");
        }
    }

    /// <summary>Exists and still pending: an approval left half applied is finished first, and one past its time expires first.</summary>
    private async Task EnsureOpenAsync()
    {
        EnsureExists();
        if (state.State.Applying)
        {
            await FinishAsync();
        }
        else if (state.State.Status == ApprovalStatus.Pending && DateTime.UtcNow >= state.State.ExpiresAt)
        {
            await ExpireAsync();
        }

        if (state.State.Status != ApprovalStatus.Pending)
        {
            throw new DomainException(DomainErrorKind.Conflict, "approval_closed", $"This request is {state.State.Status.ToString().ToLowerInvariant()} already. {state.State.Detail}");
        }
    }

    /// <summary>Active people named by the policy (directly, by role or by group) whose roles grant <c>approvals.decide</c>, the requester left out.</summary>
    private async Task<List<Guid>> ApproversAsync(MatchedPolicy policy, Guid requester)
    {
        await using var batch = dataSource.ForTenant(TenantId);
        batch.Add("""
            SELECT u.id FROM users u
            WHERE u.tenant_id = $1 AND u.status = 'active' AND u.id <> $2
              AND (u.id = ANY($3)
                   OR EXISTS (SELECT 1 FROM jsonb_array_elements_text(u.state -> 'roleIds') AS role(id) WHERE role.id::uuid = ANY($4))
                   OR EXISTS (SELECT 1 FROM groups g WHERE g.tenant_id = $1 AND g.id = ANY($5) AND NOT g.deleted AND (g.state -> 'memberIds') ? u.id::text))
              AND EXISTS (SELECT 1 FROM roles r WHERE r.tenant_id = $1 AND NOT r.deleted AND (u.state -> 'roleIds') ? r.id::text
                          AND (r.state -> 'grants') @> $6::jsonb)
            ORDER BY u.id
            LIMIT 1000
            """).With(TenantId).With(requester).With(policy.ApproverUserIds.ToArray()).With(policy.ApproverRoleIds.ToArray()).With(policy.ApproverGroupIds.ToArray())
            .With($$"""[{"permission":"{{Permissions.ApprovalsDecide}}"}]""");
        var approvers = new List<Guid>();
        await using var reader = await batch.ReadAsync(CancellationToken.None);
        while (await reader.ReadAsync())
        {
            approvers.Add(reader.GetGuid(0));
        }

        return approvers;
    }

    private Task WriteAsync(string eventType, Dictionary<string, FieldChange> changes, Guid? decidedBy = null, ApprovalDecisionKind? decision = null)
    {
        var s = state.State;
        return state.WriteStateAsync([new GrainEvent(eventType, "approval", Key, new
        {
            id = Key, s.Action, s.Subject, s.Status, level = s.CurrentLevel, s.Levels, requesterId = s.RequestedBy, approverIds = s.ApproverIds,
            decidedBy, decision, s.Detail, s.ExpiresAt,
        }, changes)]);
    }

    private void EnsureExists()
    {
        if (!state.RecordExists)
        {
            throw DomainException.NotFound("The approval");
        }
    }

    private ApprovalInfo Info()
    {
        var s = state.State;
        return new(Key, s.Action, s.Subject, s.Input, s.RequestedBy, s.PolicyId, s.PolicyName, s.Levels, s.CurrentLevel, s.ApproverIds, [.. s.Decisions],
            s.Status, s.Detail, s.ExpiresAt, s.CreatedAt, s.DecidedAt, state.Version);
    }
}
