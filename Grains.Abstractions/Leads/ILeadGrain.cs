using M3CoreCRM.Grains.Abstractions.Approvals;
using M3CoreCRM.Grains.Abstractions.Common;
using M3CoreCRM.Runtime.Grains;

namespace M3CoreCRM.Grains.Abstractions.Leads;

public sealed record LeadInterest(Guid? ProjectId, IReadOnlyList<string> UnitTypeCodes);

/// <summary>What a lead says about the person; <paramref name="Phone"/> is E.164 and <paramref name="Email"/> lower case.</summary>
public sealed record LeadFields(
    string Name, string? Phone, string? Email, string Source, string Status, StatusCategory StatusCategory,
    Guid? OwnerId, Guid? GroupId, Money? Budget, LeadInterest? Interest, IReadOnlyList<string> Tags, string? Notes);

/// <summary>How a telemarketing call ended.</summary>
public enum CallDisposition
{
    Answered,
    NoAnswer,
    Busy,
    WrongNumber,
    Callback,
    NotInterested,
    Interested,
}

/// <summary>A lead's calling record: attempts, the last outcome, when to call next (or <paramref name="Done"/>: no more), and who holds it for a call now.</summary>
public sealed record LeadCalls(int Attempts, CallDisposition? LastDisposition, DateTime? LastCalledAt, DateTime? NextCallAt, bool Done, Guid? LockedBy, DateTime? LockedUntil, Guid? LockedByQueue, Guid? LastQueueId);

public sealed record LeadInfo(
    Guid Id, string Name, string? Phone, string? Email, string Source, string Status, StatusCategory StatusCategory,
    Guid? OwnerId, Guid? GroupId, Money? Budget, LeadInterest? Interest, IReadOnlyList<string> Tags, string? Notes,
    bool AllowDuplicate, LeadCalls Calls, DateTime CreatedAt, DateTime UpdatedAt, long Version, LeadConversion? Conversion = null);

/// <summary>What a lead became: a contact, and a company and a deal when asked for.</summary>
public sealed record LeadConversion(Guid ContactId, Guid? CompanyId, Guid? DealId, DateTime ConvertedAt);

/// <summary>
/// The records a conversion creates. Their links to each other (the contact's company, the deal's
/// contact, company and lead) are filled in by the lead grain, which chooses their ids.
/// </summary>
public sealed record ConvertLead(Contacts.ContactFields Contact, Contacts.CompanyFields? Company, Deals.DealFields? Deal);

public sealed record CreateLead(LeadFields Fields, bool AllowDuplicate);

/// <summary>Hold the lead for one agent's call from a queue until <paramref name="Until"/>.</summary>
public sealed record LockForCall(Guid QueueId, Guid AgentId, DateTime Until);

/// <summary>
/// A call's outcome. <paramref name="RetryAfterMinutes"/> schedules the next attempt after no answer or
/// busy; <paramref name="CallbackAt"/> is required for a callback.
/// </summary>
public sealed record LogCall(CallDisposition Disposition, int DurationSeconds, string? Notes, DateTime? CallbackAt, int RetryAfterMinutes);

/// <summary>
/// One lead (key: the lead id). Its phone and email are unique among the tenant's open leads
/// (409 <c>duplicate_lead</c>, unless created with <c>allowDuplicate</c>); at most one agent holds it
/// for a call at a time; every change is an event (<c>lead.created</c>, <c>lead.updated</c>,
/// <c>lead.assigned</c>, <c>call.logged</c>) whose data names the owner, so that streams and
/// notifications follow the readers' scope.
/// </summary>
public interface ILeadGrain : IGrain
{
    Task<LeadInfo> CreateAsync(CreateLead command);

    [ReadOnly]
    Task<LeadInfo> GetAsync();

    /// <summary>
    /// Replaces the fields (the API merges a PATCH into them); 412 on a stale <paramref name="expectedVersion"/>. A new owner
    /// that a <c>lead.reassign</c> policy gates waits for approval, and must come without other changes (409 <c>approval_required</c>).
    /// </summary>
    Task<Gated<LeadInfo>> UpdateAsync(LeadFields fields, long? expectedVersion);

    Task DeleteAsync(long? expectedVersion);

    /// <summary>
    /// Gives the lead to <paramref name="ownerId"/> (and records the group it was assigned through), or, when the lead has
    /// another owner and a <c>lead.reassign</c> policy gates it, asks for approval and changes nothing.
    /// </summary>
    Task<Gated<LeadInfo>> AssignAsync(Guid ownerId, Guid? groupId);

    /// <summary>Applies a reassignment whose approval completed, if the lead still has the owner it had when asked.</summary>
    Task<ApprovalOutcome> ApplyApprovedAsync(ApprovedAction action);

    /// <summary>Locks the lead to the agent if it is open, due and held by no one else; null otherwise.</summary>
    Task<LeadInfo?> TryLockForCallAsync(LockForCall command);

    /// <summary>
    /// Turns the lead into a contact (and a company and a deal), once: 409 <c>already_converted</c>
    /// afterwards. The new records' ids derive from the lead's, so a conversion interrupted half way
    /// completes when retried, and concurrent attempts (one at a time, in this grain) convert once.
    /// </summary>
    Task<LeadConversion> ConvertAsync(ConvertLead plan);

    /// <summary>Logs a call by <paramref name="agentId"/>: the activity, the attempt, the next call; releases the lock. 409 <c>locked</c> when another agent holds it.</summary>
    Task<LeadInfo> LogCallAsync(Guid agentId, LogCall call);
}
