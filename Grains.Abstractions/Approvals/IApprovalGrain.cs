using System.Text.Json;

namespace M3CoreCRM.Grains.Abstractions.Approvals;

[GenerateSerializer, Alias("crm.ApprovalStatus")]
public enum ApprovalStatus
{
    Pending,
    Approved,
    Rejected,
    Expired,
    Cancelled,
}

[GenerateSerializer, Alias("crm.ApprovalDecisionKind")]
public enum ApprovalDecisionKind
{
    Approved,
    Rejected,
}

/// <summary>The record an action is about: <c>unit</c>, <c>deal</c> or <c>lead</c>.</summary>
[GenerateSerializer, Immutable, Alias("crm.ApprovalSubject")]
public sealed record ApprovalSubject([property: Id(0)] string Type, [property: Id(1)] Guid Id);

[GenerateSerializer, Immutable, Alias("crm.ApprovalDecision")]
public sealed record ApprovalDecision([property: Id(0)] int Level, [property: Id(1)] Guid UserId, [property: Id(2)] ApprovalDecisionKind Decision, [property: Id(3)] string? Comment, [property: Id(4)] DateTime At);

/// <summary>
/// An approval request as clients see it. <paramref name="Levels"/> approvals by different approvers are needed, in turn;
/// <paramref name="CurrentLevel"/> is the one awaited. <paramref name="Detail"/> says why it ended as it did.
/// </summary>
[GenerateSerializer, Immutable, Alias("crm.ApprovalInfo")]
public sealed record ApprovalInfo(
    [property: Id(0)] Guid Id,
    [property: Id(1)] string Action,
    [property: Id(2)] ApprovalSubject Subject,
    [property: Id(3)] JsonElement Input,
    [property: Id(4)] Guid RequestedBy,
    [property: Id(5)] Guid PolicyId,
    [property: Id(6)] string PolicyName,
    [property: Id(7)] int Levels,
    [property: Id(8)] int CurrentLevel,
    [property: Id(9)] IReadOnlyList<Guid> ApproverIds,
    [property: Id(10)] IReadOnlyList<ApprovalDecision> Decisions,
    [property: Id(11)] ApprovalStatus Status,
    [property: Id(12)] string? Detail,
    [property: Id(13)] DateTime ExpiresAt,
    [property: Id(14)] DateTime CreatedAt,
    [property: Id(15)] DateTime? DecidedAt,
    [property: Id(16)] long Version);

/// <summary>An action held back for approval: what clients get as 202.</summary>
[GenerateSerializer, Immutable, Alias("crm.ApprovalTicket")]
public sealed record ApprovalTicket([property: Id(0)] Guid ApprovalId, [property: Id(1)] ApprovalStatus Status);

/// <summary>The answer of an action a policy may gate: the applied result, or the approval it now waits for.</summary>
[GenerateSerializer, Immutable, Alias("crm.Gated`1")]
public sealed record Gated<T>([property: Id(0)] T? Result, [property: Id(1)] ApprovalTicket? Pending)
    where T : class;

public static class Gated
{
    public static Gated<T> Done<T>(T result)
        where T : class => new(result, null);

    public static Gated<T> Waiting<T>(ApprovalTicket ticket)
        where T : class => new(null, ticket);
}

/// <summary>The policy a request matched, as it was then.</summary>
[GenerateSerializer, Immutable, Alias("crm.MatchedPolicy")]
public sealed record MatchedPolicy([property: Id(0)] Guid Id, [property: Id(1)] string Name, [property: Id(2)] IReadOnlyList<Guid> ApproverRoleIds, [property: Id(3)] IReadOnlyList<Guid> ApproverGroupIds, [property: Id(4)] IReadOnlyList<Guid> ApproverUserIds, [property: Id(5)] int Levels, [property: Id(6)] int ExpiresAfterMinutes);

[GenerateSerializer, Immutable, Alias("crm.RequestApproval")]
public sealed record RequestApproval([property: Id(0)] string Action, [property: Id(1)] ApprovalSubject Subject, [property: Id(2)] JsonElement Input, [property: Id(3)] Guid RequestedBy, [property: Id(4)] MatchedPolicy Policy);

/// <summary>A decision by <paramref name="UserId"/>; with <paramref name="Level"/>, only if that level is still the one awaited.</summary>
[GenerateSerializer, Immutable, Alias("crm.DecideApproval")]
public sealed record DecideApproval([property: Id(0)] Guid UserId, [property: Id(1)] string? Comment, [property: Id(2)] int? Level);

/// <summary>A cancellation by <paramref name="UserId"/>: the requester, or anyone with <paramref name="MayCancelAny"/> (<c>approvals.manage</c>).</summary>
[GenerateSerializer, Immutable, Alias("crm.CancelApproval")]
public sealed record CancelApproval([property: Id(0)] Guid UserId, [property: Id(1)] string? Comment, [property: Id(2)] bool MayCancelAny);

/// <summary>What the subject's grain is asked to do once every level approved.</summary>
[GenerateSerializer, Immutable, Alias("crm.ApprovedAction")]
public sealed record ApprovedAction([property: Id(0)] Guid ApprovalId, [property: Id(1)] string Action, [property: Id(2)] JsonElement Input, [property: Id(3)] Guid RequestedBy);

/// <summary>Whether the subject applied an approved action, and if not, why (the rule that no longer holds).</summary>
[GenerateSerializer, Immutable, Alias("crm.ApprovalOutcome")]
public sealed record ApprovalOutcome([property: Id(0)] bool Applied, [property: Id(1)] string? Reason)
{
    public static ApprovalOutcome Done { get; } = new(true, null);

    public static ApprovalOutcome Refused(string reason) => new(false, reason);
}

/// <summary>
/// One approval request (key: the approval id): <c>pending → approved | rejected | cancelled | expired</c>. It takes
/// one decision at a time, so two approvers deciding at once produce one outcome (the second gets 409
/// <c>approval_closed</c>). When the last level approves, it has the subject's grain re-check its rules and apply the
/// action in one turn; a crash in between is finished by a reminder, and the subject applies an approval only once.
/// Requests expire by a durable reminder. Events <c>approval.requested</c> and <c>approval.decided</c> name the
/// requester and approvers.
/// </summary>
[Alias("crm.IApprovalGrain")]
public interface IApprovalGrain : IGrainWithGuidCompoundKey
{
    /// <summary>Opens the request; 409 <c>no_approvers</c> when fewer people than its levels could approve it.</summary>
    [Alias("Request")]
    Task<ApprovalTicket> RequestAsync(RequestApproval request);

    [ReadOnly, Alias("Get")]
    Task<ApprovalInfo> GetAsync();

    /// <summary>Approves the awaited level; the last level applies the action (or rejects the request with the reason it no longer holds).</summary>
    [Alias("Approve")]
    Task<ApprovalInfo> ApproveAsync(DecideApproval decision);

    [Alias("Reject")]
    Task<ApprovalInfo> RejectAsync(DecideApproval decision);

    [Alias("Cancel")]
    Task<ApprovalInfo> CancelAsync(CancelApproval cancellation);
}
