using M3CoreCRM.Grains.Abstractions.Approvals;
using M3CoreCRM.Grains.Abstractions.Common;

namespace M3CoreCRM.Grains.Abstractions.Leads;

[GenerateSerializer, Immutable, Alias("crm.LeadInterest")]
public sealed record LeadInterest([property: Id(0)] Guid? ProjectId, [property: Id(1)] IReadOnlyList<string> UnitTypeCodes);

/// <summary>What a lead says about the person; <paramref name="Phone"/> is E.164 and <paramref name="Email"/> lower case.</summary>
[GenerateSerializer, Immutable, Alias("crm.LeadFields")]
public sealed record LeadFields(
    [property: Id(0)] string Name, [property: Id(1)] string? Phone, [property: Id(2)] string? Email, [property: Id(3)] string Source, [property: Id(4)] string Status, [property: Id(5)] StatusCategory StatusCategory,
    [property: Id(6)] Guid? OwnerId, [property: Id(7)] Guid? GroupId, [property: Id(8)] Money? Budget, [property: Id(9)] LeadInterest? Interest, [property: Id(10)] IReadOnlyList<string> Tags, [property: Id(11)] string? Notes);

/// <summary>How a telemarketing call ended.</summary>
[GenerateSerializer, Alias("crm.CallDisposition")]
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
[GenerateSerializer, Immutable, Alias("crm.LeadCalls")]
public sealed record LeadCalls([property: Id(0)] int Attempts, [property: Id(1)] CallDisposition? LastDisposition, [property: Id(2)] DateTime? LastCalledAt, [property: Id(3)] DateTime? NextCallAt, [property: Id(4)] bool Done, [property: Id(5)] Guid? LockedBy, [property: Id(6)] DateTime? LockedUntil, [property: Id(7)] Guid? LockedByQueue, [property: Id(8)] Guid? LastQueueId);

[GenerateSerializer, Immutable, Alias("crm.LeadInfo")]
public sealed record LeadInfo(
    [property: Id(0)] Guid Id, [property: Id(1)] string Name, [property: Id(2)] string? Phone, [property: Id(3)] string? Email, [property: Id(4)] string Source, [property: Id(5)] string Status, [property: Id(6)] StatusCategory StatusCategory,
    [property: Id(7)] Guid? OwnerId, [property: Id(8)] Guid? GroupId, [property: Id(9)] Money? Budget, [property: Id(10)] LeadInterest? Interest, [property: Id(11)] IReadOnlyList<string> Tags, [property: Id(12)] string? Notes,
    [property: Id(13)] bool AllowDuplicate, [property: Id(14)] LeadCalls Calls, [property: Id(15)] DateTime CreatedAt, [property: Id(16)] DateTime UpdatedAt, [property: Id(17)] long Version, [property: Id(18)] LeadConversion? Conversion = null);

/// <summary>What a lead became: a contact, and a company and a deal when asked for.</summary>
[GenerateSerializer, Immutable, Alias("crm.LeadConversion")]
public sealed record LeadConversion([property: Id(0)] Guid ContactId, [property: Id(1)] Guid? CompanyId, [property: Id(2)] Guid? DealId, [property: Id(3)] DateTime ConvertedAt);

/// <summary>
/// The records a conversion creates. Their links to each other (the contact's company, the deal's
/// contact, company and lead) are filled in by the lead grain, which chooses their ids.
/// </summary>
[GenerateSerializer, Immutable, Alias("crm.ConvertLead")]
public sealed record ConvertLead([property: Id(0)] Contacts.ContactFields Contact, [property: Id(1)] Contacts.CompanyFields? Company, [property: Id(2)] Deals.DealFields? Deal);

[GenerateSerializer, Immutable, Alias("crm.CreateLead")]
public sealed record CreateLead([property: Id(0)] LeadFields Fields, [property: Id(1)] bool AllowDuplicate);

/// <summary>Hold the lead for one agent's call from a queue until <paramref name="Until"/>.</summary>
[GenerateSerializer, Immutable, Alias("crm.LockForCall")]
public sealed record LockForCall([property: Id(0)] Guid QueueId, [property: Id(1)] Guid AgentId, [property: Id(2)] DateTime Until);

/// <summary>
/// A call's outcome. <paramref name="RetryAfterMinutes"/> schedules the next attempt after no answer or
/// busy; <paramref name="CallbackAt"/> is required for a callback.
/// </summary>
[GenerateSerializer, Immutable, Alias("crm.LogCall")]
public sealed record LogCall([property: Id(0)] CallDisposition Disposition, [property: Id(1)] int DurationSeconds, [property: Id(2)] string? Notes, [property: Id(3)] DateTime? CallbackAt, [property: Id(4)] int RetryAfterMinutes)
{
    /// <summary>The agent's latest click-to-call to this lead, if any: the disposition is then that call's account, not a call of its own.</summary>
    [Id(5)]
    public PlacedCall? ClickToCall { get; init; }
}

/// <summary>A click-to-call an agent placed through the tenant's VOIP provider (our id of it, and when it was placed).</summary>
[GenerateSerializer, Immutable, Alias("crm.PlacedCall")]
public sealed record PlacedCall([property: Id(0)] Guid CallId, [property: Id(1)] DateTime PlacedAt);

/// <summary>
/// One lead (key: the lead id). Its phone and email are unique among the tenant's open leads
/// (409 <c>duplicate_lead</c>, unless created with <c>allowDuplicate</c>); at most one agent holds it
/// for a call at a time; every change is an event (<c>lead.created</c>, <c>lead.updated</c>,
/// <c>lead.assigned</c>, <c>call.logged</c>) whose data names the owner, so that streams and
/// notifications follow the readers' scope.
/// </summary>
[Alias("crm.ILeadGrain")]
public interface ILeadGrain : IGrainWithGuidCompoundKey
{
    [Alias("Create")]
    Task<LeadInfo> CreateAsync(CreateLead command);

    [ReadOnly, Alias("Get")]
    Task<LeadInfo> GetAsync();

    /// <summary>
    /// Replaces the fields (the API merges a PATCH into them); 412 on a stale <paramref name="expectedVersion"/>. A new owner
    /// that a <c>lead.reassign</c> policy gates waits for approval, and must come without other changes (409 <c>approval_required</c>).
    /// </summary>
    [Alias("Update")]
    Task<Gated<LeadInfo>> UpdateAsync(LeadFields fields, long? expectedVersion);

    [Alias("Delete")]
    Task DeleteAsync(long? expectedVersion);

    /// <summary>
    /// Gives the lead to <paramref name="ownerId"/> (and records the group it was assigned through), or, when the lead has
    /// another owner and a <c>lead.reassign</c> policy gates it, asks for approval and changes nothing.
    /// </summary>
    [Alias("Assign")]
    Task<Gated<LeadInfo>> AssignAsync(Guid ownerId, Guid? groupId);

    /// <summary>Applies a reassignment whose approval completed, if the lead still has the owner it had when asked.</summary>
    [Alias("ApplyApproved")]
    Task<ApprovalOutcome> ApplyApprovedAsync(ApprovedAction action);

    /// <summary>Locks the lead to the agent if it is open, due and held by no one else; null otherwise.</summary>
    [Alias("TryLockForCall")]
    Task<LeadInfo?> TryLockForCallAsync(LockForCall command);

    /// <summary>
    /// Turns the lead into a contact (and a company and a deal), once: 409 <c>already_converted</c>
    /// afterwards. The new records' ids derive from the lead's, so a conversion interrupted half way
    /// completes when retried, and concurrent attempts (one at a time, in this grain) convert once.
    /// </summary>
    [Alias("Convert")]
    Task<LeadConversion> ConvertAsync(ConvertLead plan);

    /// <summary>Logs a call by <paramref name="agentId"/>: the activity, the attempt, the next call; releases the lock. 409 <c>locked</c> when another agent holds it.</summary>
    [Alias("LogCall")]
    Task<LeadInfo> LogCallAsync(Guid agentId, LogCall call);
}
