using M3CoreCRM.Grains.Abstractions.Billing;
using System.Text.Json;
using M3CoreCRM.Grains.Abstractions.Activities;
using M3CoreCRM.Grains.Abstractions.Approvals;
using M3CoreCRM.Grains.Abstractions.Common;
using M3CoreCRM.Grains.Abstractions.Contacts;
using M3CoreCRM.Grains.Abstractions.Deals;
using M3CoreCRM.Grains.Abstractions.Leads;
using M3CoreCRM.Grains.Activities;
using M3CoreCRM.Grains.Approvals;
using M3CoreCRM.Grains.Events;
using M3CoreCRM.Grains.Persistence;

namespace M3CoreCRM.Grains.Leads;

public sealed class LeadCallState
{
    public int Attempts { get; set; }

    public CallDisposition? LastDisposition { get; set; }

    public DateTime? LastCalledAt { get; set; }

    public DateTime? NextCallAt { get; set; }

    public Guid? LockedBy { get; set; }

    public DateTime? LockedUntil { get; set; }

    public Guid? LockedByQueue { get; set; }

    /// <summary>The queue that last handed the lead out: its retry interval applies even after the lock ran out.</summary>
    public Guid? LastQueueId { get; set; }

    /// <summary>
    /// True once a call settled the lead (answered, interested, not interested, wrong number): queues
    /// call it no more. No answer, busy and callbacks leave it to be called again.
    /// </summary>
    public bool Done { get; set; }

    /// <summary>Names the current lock's expiry reminder, so that a reminder of an earlier lock ends nothing.</summary>
    public Guid? LockId { get; set; }
}

public sealed class LeadState
{
    public string Name { get; set; } = "";

    public string? Phone { get; set; }

    public string? Email { get; set; }

    public string Source { get; set; } = "";

    public string Status { get; set; } = "";

    public StatusCategory StatusCategory { get; set; }

    public Guid? OwnerId { get; set; }

    public Guid? GroupId { get; set; }

    public Money? Budget { get; set; }

    public LeadInterest? Interest { get; set; }

    public IReadOnlyList<string> Tags { get; set; } = [];

    public string? Notes { get; set; }

    public bool AllowDuplicate { get; set; }

    public bool Deleted { get; set; }

    public LeadConversion? Conversion { get; set; }

    public LeadCallState Calls { get; set; } = new();

    /// <summary>The latest approvals applied here, so that an approval finished twice (after a crash) applies once.</summary>
    public List<Guid> AppliedApprovals { get; set; } = [];

    public DateTime CreatedAt { get; set; }

    public DateTime UpdatedAt { get; set; }
}

[GrainType("lead")]
public sealed class LeadGrain([PersistentState("leads", CrmStorage.Name)] IPersistentState<LeadState> state, ApprovalGate approvals) : CrmGrain, ILeadGrain, IRemindable
{
    private const string LockReminderPrefix = "call-lock:";

    public async Task<LeadInfo> CreateAsync(CreateLead command)
    {
        if (state.RecordExists)
        {
            throw new DomainException(DomainErrorKind.Conflict, "lead_exists", "This lead already exists.");
        }

        return await WithinPlanAsync(PlanLimit.Leads, async () =>
        {
            var now = DateTime.UtcNow;
            state.State = new LeadState { AllowDuplicate = command.AllowDuplicate, CreatedAt = now, UpdatedAt = now };
            var changes = Apply(state.State, command.Fields);
            await WriteAsync("lead.created", changes);
            return Info();
        });
    }

    public Task<LeadInfo> GetAsync()
    {
        EnsureExists();
        return Task.FromResult(Info());
    }

    public async Task<Gated<LeadInfo>> UpdateAsync(LeadFields fields, long? expectedVersion)
    {
        EnsureExists();
        Concurrency.Check(state.Version, expectedVersion);
        var s = state.State;
        if (fields.OwnerId is { } newOwner && await ReassignmentPolicyAsync(newOwner, fields.GroupId) is { } match)
        {
            // Nothing is applied while the new owner waits, and nothing else may ride along with it.
            var clone = JsonSerializer.Deserialize<LeadState>(JsonSerializer.SerializeToUtf8Bytes(s, GrainJson.Options), GrainJson.Options)!;
            if (Apply(clone, fields with { OwnerId = s.OwnerId, GroupId = s.GroupId }).Count > 0)
            {
                throw ApprovalGate.MixedChange("The new owner", "send ownerId (and groupId) in a request of their own, or use /assign.");
            }

            return Gated.Waiting<LeadInfo>(await ApprovalGate.RequestAsync(GrainFactory, TenantId, match, Subject));
        }

        var ownerBefore = s.OwnerId;
        var reachedBefore = (s.Phone, s.Email);
        var reopened = s.StatusCategory != StatusCategory.Open && fields.StatusCategory == StatusCategory.Open;
        var changes = Apply(s, fields);
        if (reachedBefore != (s.Phone, s.Email) || reopened)
        {
            // A duplicate was let in for the phone and email it had then; new ones are checked like anyone's.
            // And a new number, or a lead back in play, is worth calling again.
            Change.Track(changes, "allowDuplicate", s.AllowDuplicate, false, v => s.AllowDuplicate = v);
            Change.Track(changes, "calls.done", s.Calls.Done, false, v => s.Calls.Done = v);
        }

        if (changes.Count > 0)
        {
            s.UpdatedAt = DateTime.UtcNow;
            await WriteAsync(ownerBefore != s.OwnerId ? "lead.assigned" : "lead.updated", changes);
        }

        return Gated.Done(Info());
    }

    public async Task DeleteAsync(long? expectedVersion)
    {
        EnsureExists();
        Concurrency.Check(state.Version, expectedVersion);
        state.State.Deleted = true;
        state.State.UpdatedAt = DateTime.UtcNow;
        await WriteAsync("lead.deleted", new() { ["deleted"] = new(false, true) });
    }

    public async Task<Gated<LeadInfo>> AssignAsync(Guid ownerId, Guid? groupId)
    {
        EnsureExists();
        if (await ReassignmentPolicyAsync(ownerId, groupId ?? state.State.GroupId) is { } match)
        {
            return Gated.Waiting<LeadInfo>(await ApprovalGate.RequestAsync(GrainFactory, TenantId, match, Subject));
        }

        await SetOwnerAsync(ownerId, groupId, null);
        return Gated.Done(Info());
    }

    public async Task<ApprovalOutcome> ApplyApprovedAsync(ApprovedAction action)
    {
        if (!state.RecordExists || state.State.Deleted)
        {
            return ApprovalOutcome.Refused("The lead no longer exists.");
        }

        var s = state.State;
        if (s.AppliedApprovals.Contains(action.ApprovalId))
        {
            return ApprovalOutcome.Done;
        }

        if (action.Action != ApprovalActions.LeadReassign)
        {
            return ApprovalOutcome.Refused($"A lead does not apply '{action.Action}'.");
        }

        var input = action.Input;
        if (input.GetProperty("fromOwnerId").GetGuid() != s.OwnerId)
        {
            return ApprovalOutcome.Refused("The lead's owner changed since the request.");
        }

        var groupId = input.GetProperty("groupId") is { ValueKind: JsonValueKind.String } group ? group.GetGuid() : (Guid?)null;
        await SetOwnerAsync(input.GetProperty("toOwnerId").GetGuid(), groupId, action.ApprovalId);
        return ApprovalOutcome.Done;
    }

    /// <summary>The policy that gates giving an owned lead to someone else (a lead without an owner is assigned freely).</summary>
    private async Task<PolicyMatch?> ReassignmentPolicyAsync(Guid newOwner, Guid? groupId)
    {
        var s = state.State;
        return s.OwnerId is { } owner && owner != newOwner
            ? await approvals.MatchAsync(TenantId, ApprovalActions.LeadReassign, new { leadId = Key, fromOwnerId = owner, toOwnerId = newOwner, groupId, s.Source, s.Status })
            : null;
    }

    private async Task SetOwnerAsync(Guid ownerId, Guid? groupId, Guid? approvalId)
    {
        var s = state.State;
        var changes = new Dictionary<string, FieldChange>();
        Change.Track(changes, "ownerId", s.OwnerId, ownerId, v => s.OwnerId = v);
        Change.Track(changes, "groupId", s.GroupId, groupId ?? s.GroupId, v => s.GroupId = v);
        if (approvalId is { } id)
        {
            AppliedApprovals.Remember(s.AppliedApprovals, id);
        }

        s.UpdatedAt = DateTime.UtcNow;
        await WriteAsync("lead.assigned", changes, approvalId);
    }

    private ApprovalSubject Subject => new("lead", Key);

    public async Task<LeadConversion> ConvertAsync(ConvertLead plan)
    {
        EnsureExists();
        var s = state.State;
        if (s.Conversion is not null)
        {
            throw new DomainException(DomainErrorKind.Conflict, "already_converted", "This lead was converted already.");
        }

        var companyId = plan.Company is null ? (Guid?)null : DerivedId("company");
        if (plan.Company is { } company)
        {
            await CreateOnceAsync(() => GrainFactory.GetGrain<ICompanyGrain>(TenantId, companyId!.Value).CreateAsync(company), "company_exists");
        }

        var contactId = DerivedId("contact");
        await CreateOnceAsync(() => GrainFactory.GetGrain<IContactGrain>(TenantId, contactId).CreateAsync(plan.Contact with { CompanyId = companyId ?? plan.Contact.CompanyId }), "contact_exists");

        var dealId = plan.Deal is null ? (Guid?)null : DerivedId("deal");
        if (plan.Deal is { } deal)
        {
            await GrainFactory.GetGrain<IDealGrain>(TenantId, dealId!.Value).CreateAsync(deal with { ContactId = contactId, CompanyId = companyId ?? deal.CompanyId, LeadId = Key });
        }

        var conversion = new LeadConversion(contactId, companyId, dealId, DateTime.UtcNow);
        s.Conversion = conversion;
        s.UpdatedAt = conversion.ConvertedAt;
        await WriteAsync("lead.converted", new() { ["conversion"] = new(null, conversion) });
        return conversion;
    }

    public async Task<LeadInfo?> TryLockForCallAsync(LockForCall command)
    {
        if (!state.RecordExists || state.State.Deleted || state.State.StatusCategory != StatusCategory.Open)
        {
            return null;
        }

        var now = DateTime.UtcNow;
        var calls = state.State.Calls;
        if ((calls.LockedBy is not null && calls.LockedUntil > now && calls.LockedBy != command.AgentId) || calls.NextCallAt > now || calls.Done)
        {
            return null;
        }

        // As with unit holds: the reminder goes in first, so a failed write leaves a reminder that finds no lock of its id.
        var previousLock = calls.LockId;
        var lockId = Guid.CreateVersion7();
        await RemindOnceAsync(LockReminderPrefix + lockId, command.Until - now);
        calls.LockedBy = command.AgentId;
        calls.LockedUntil = command.Until;
        calls.LockedByQueue = command.QueueId;
        calls.LastQueueId = command.QueueId;
        calls.LockId = lockId;
        // An event, so that a manager's open lead list shows at once who is calling whom.
        var s = state.State;
        await state.WriteStateAsync([new GrainEvent("call.started", "lead", Key, new
        {
            id = Key, leadId = Key, agentId = command.AgentId, queueId = command.QueueId, lockedUntil = command.Until,
            ownerId = s.OwnerId, assigneeId = command.AgentId, name = s.Name,
        })]);
        await ForgetLockReminderAsync(previousLock);
        return Info();
    }

    public async Task<LeadInfo> LogCallAsync(Guid agentId, LogCall call)
    {
        EnsureExists();
        var now = DateTime.UtcNow;
        var calls = state.State.Calls;
        if (calls.LockedBy is { } holder && holder != agentId && calls.LockedUntil > now)
        {
            throw new DomainException(DomainErrorKind.Conflict, "locked", "Another agent is calling this lead.");
        }

        if (call.Disposition == CallDisposition.Callback && (call.CallbackAt is null || call.CallbackAt <= now))
        {
            throw DomainException.Invalid("callbackAt", "A callback needs a callbackAt in the future.");
        }

        // The activity first (the click-to-call's, or this attempt's under an id a retry after a failed lead write finds again).
        var activity = new NewActivity(ActivityType.Call, new ActivitySubject("lead", Key), now, call.DurationSeconds, CallActivityIds.Outcome(call.Disposition), call.Notes, agentId);
        var activityId = (await CallActivityIds.RecordAgentCallAsync(GrainFactory, TenantId, Key, calls.Attempts + 1, calls.LastCalledAt, call.ClickToCall, activity)).Id;

        var before = new { calls.Attempts, calls.NextCallAt, calls.LastDisposition, calls.Done };
        var endedLock = calls.LockId;
        calls.Attempts++;
        calls.LastDisposition = call.Disposition;
        calls.LastCalledAt = now;
        calls.NextCallAt = call.Disposition switch
        {
            CallDisposition.Callback => call.CallbackAt,
            CallDisposition.NoAnswer or CallDisposition.Busy => now.AddMinutes(call.RetryAfterMinutes),
            _ => null,
        };
        calls.Done = call.Disposition is not (CallDisposition.Callback or CallDisposition.NoAnswer or CallDisposition.Busy);
        calls.LockedBy = null;
        calls.LockedUntil = null;
        calls.LockedByQueue = null;
        calls.LockId = null;
        state.State.UpdatedAt = now;
        var s = state.State;
        await state.WriteStateAsync([new GrainEvent("call.logged", "lead", Key, new
        {
            id = Key, leadId = Key, activityId, agentId, disposition = call.Disposition, call.DurationSeconds,
            calls.NextCallAt, calls.Attempts, ownerId = s.OwnerId, assigneeId = agentId, name = s.Name,
        }, new Dictionary<string, FieldChange>
        {
            ["calls.attempts"] = new(before.Attempts, calls.Attempts),
            ["calls.lastDisposition"] = new(before.LastDisposition, calls.LastDisposition),
            ["calls.nextCallAt"] = new(before.NextCallAt, calls.NextCallAt),
            ["calls.done"] = new(before.Done, calls.Done),
        })]);
        await ForgetLockReminderAsync(endedLock);
        return Info();
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) => HandleOnceAsync(reminderName, () => OnReminderAsync(reminderName));

    private async Task OnReminderAsync(string reminderName)
    {
        var calls = state.State.Calls;
        if (state.RecordExists && calls.LockId is { } lockId && reminderName == LockReminderPrefix + lockId && calls.LockedUntil <= DateTime.UtcNow)
        {
            calls.LockedBy = null;
            calls.LockedUntil = null;
            calls.LockedByQueue = null;
            calls.LockId = null;
            await state.WriteStateAsync();
        }
    }

    private static async Task CreateOnceAsync(Func<Task> create, string existsCode)
    {
        try
        {
            await create();
        }
        catch (DomainException exception) when (exception.Code == existsCode)
        {
            // Created by an earlier attempt of this conversion, under the same derived id.
        }
    }

    /// <summary>The id of what this lead makes for <paramref name="purpose"/> (its contact, company, deal): the same every time (its calls: <see cref="CallActivityIds.RecordAgentCallAsync"/>).</summary>
    private Guid DerivedId(string purpose) => DerivedIds.Create(DerivedIds.UnixMillisecondsOf(Key), $"{TenantId:N}:{Key:N}:{purpose}");

    private Task ForgetLockReminderAsync(Guid? lockId) => lockId is null ? Task.CompletedTask : ForgetReminderAsync(LockReminderPrefix + lockId);

    private static Dictionary<string, FieldChange> Apply(LeadState s, LeadFields f)
    {
        var changes = new Dictionary<string, FieldChange>();
        Change.Track(changes, "name", s.Name, f.Name, v => s.Name = v);
        Change.Track(changes, "phone", s.Phone, f.Phone, v => s.Phone = v);
        Change.Track(changes, "email", s.Email, f.Email, v => s.Email = v);
        Change.Track(changes, "source", s.Source, f.Source, v => s.Source = v);
        Change.Track(changes, "status", s.Status, f.Status, v => s.Status = v);
        Change.Track(changes, "ownerId", s.OwnerId, f.OwnerId, v => s.OwnerId = v);
        Change.Track(changes, "groupId", s.GroupId, f.GroupId, v => s.GroupId = v);
        Change.TrackShape(changes, "budget", s.Budget, f.Budget, v => s.Budget = v);
        Change.TrackShape(changes, "interest", s.Interest, f.Interest, v => s.Interest = v);
        Change.TrackShape(changes, "tags", s.Tags, f.Tags, v => s.Tags = v);
        Change.Track(changes, "notes", s.Notes, f.Notes, v => s.Notes = v);
        s.StatusCategory = f.StatusCategory;
        return changes;
    }

    private async Task WriteAsync(string eventType, Dictionary<string, FieldChange> changes, Guid? approvalId = null)
    {
        var s = state.State;
        var phone = s.Phone;
        var email = s.Email;
        try
        {
            await state.WriteStateAsync([new GrainEvent(eventType, "lead", Key, new
            {
                id = Key, name = s.Name, s.Status, s.StatusCategory, s.Source, ownerId = s.OwnerId, assigneeId = s.OwnerId, groupId = s.GroupId, approvalId,
                previousStatus = changes.TryGetValue("status", out var status) ? status.Before : s.Status,
                previousOwnerId = changes.TryGetValue("ownerId", out var owner) ? owner.Before : s.OwnerId,
            }, changes)]);
        }
        catch (UniqueConstraintException exception) when (exception.Constraint is "leads_open_phone" or "leads_open_email")
        {
            var field = exception.Constraint == "leads_open_phone" ? "phone" : "email";
            throw new DomainException(DomainErrorKind.Conflict, "duplicate_lead",
                $"An open lead already has this {field} ({(field == "phone" ? phone : email)}).",
                new Dictionary<string, string[]> { [field] = ["Already on an open lead."] });
        }
    }

    private void EnsureExists()
    {
        if (!state.RecordExists || state.State.Deleted)
        {
            throw Absent("The lead");
        }
    }

    private LeadInfo Info()
    {
        var s = state.State;
        var c = s.Calls;
        return new LeadInfo(Key, s.Name, s.Phone, s.Email, s.Source, s.Status, s.StatusCategory, s.OwnerId, s.GroupId, s.Budget, s.Interest, s.Tags, s.Notes,
            s.AllowDuplicate, new LeadCalls(c.Attempts, c.LastDisposition, c.LastCalledAt, c.NextCallAt, c.Done, c.LockedBy, c.LockedUntil, c.LockedByQueue, c.LastQueueId),
            s.CreatedAt, s.UpdatedAt, state.Version, s.Conversion);
    }
}
