using System.Text.Json;
using M3CoreCRM.Runtime.Grains;

namespace M3CoreCRM.Grains.Abstractions.Approvals;

public enum ApprovalStatus
{
    Pending,
    Approved,
    Rejected,
    Expired,
    Cancelled,
}

public enum ApprovalDecisionKind
{
    Approved,
    Rejected,
}

/// <summary>The record an action is about: <c>unit</c>, <c>deal</c> or <c>lead</c>.</summary>
public sealed record ApprovalSubject(string Type, Guid Id);

public sealed record ApprovalDecision(int Level, Guid UserId, ApprovalDecisionKind Decision, string? Comment, DateTime At);

/// <summary>
/// An approval request as clients see it. <paramref name="Levels"/> approvals by different approvers are needed, in turn;
/// <paramref name="CurrentLevel"/> is the one awaited. <paramref name="Detail"/> says why it ended as it did.
/// </summary>
public sealed record ApprovalInfo(
    Guid Id,
    string Action,
    ApprovalSubject Subject,
    JsonElement Input,
    Guid RequestedBy,
    Guid PolicyId,
    string PolicyName,
    int Levels,
    int CurrentLevel,
    IReadOnlyList<Guid> ApproverIds,
    IReadOnlyList<ApprovalDecision> Decisions,
    ApprovalStatus Status,
    string? Detail,
    DateTime ExpiresAt,
    DateTime CreatedAt,
    DateTime? DecidedAt,
    long Version);

/// <summary>An action held back for approval: what clients get as 202.</summary>
public sealed record ApprovalTicket(Guid ApprovalId, ApprovalStatus Status);

/// <summary>The answer of an action a policy may gate: the applied result, or the approval it now waits for.</summary>
public sealed record Gated<T>(T? Result, ApprovalTicket? Pending)
    where T : class;

public static class Gated
{
    public static Gated<T> Done<T>(T result)
        where T : class => new(result, null);

    public static Gated<T> Waiting<T>(ApprovalTicket ticket)
        where T : class => new(null, ticket);
}

/// <summary>The policy a request matched, as it was then.</summary>
public sealed record MatchedPolicy(Guid Id, string Name, IReadOnlyList<Guid> ApproverRoleIds, IReadOnlyList<Guid> ApproverGroupIds, IReadOnlyList<Guid> ApproverUserIds, int Levels, int ExpiresAfterMinutes);

public sealed record RequestApproval(string Action, ApprovalSubject Subject, JsonElement Input, Guid RequestedBy, MatchedPolicy Policy);

/// <summary>A decision by <paramref name="UserId"/>; with <paramref name="Level"/>, only if that level is still the one awaited.</summary>
public sealed record DecideApproval(Guid UserId, string? Comment, int? Level);

/// <summary>A cancellation by <paramref name="UserId"/>: the requester, or anyone with <paramref name="MayCancelAny"/> (<c>approvals.manage</c>).</summary>
public sealed record CancelApproval(Guid UserId, string? Comment, bool MayCancelAny);

/// <summary>What the subject's grain is asked to do once every level approved.</summary>
public sealed record ApprovedAction(Guid ApprovalId, string Action, JsonElement Input, Guid RequestedBy);

/// <summary>Whether the subject applied an approved action, and if not, why (the rule that no longer holds).</summary>
public sealed record ApprovalOutcome(bool Applied, string? Reason)
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
public interface IApprovalGrain : IGrain
{
    /// <summary>Opens the request; 409 <c>no_approvers</c> when fewer people than its levels could approve it.</summary>
    Task<ApprovalTicket> RequestAsync(RequestApproval request);

    [ReadOnly]
    Task<ApprovalInfo> GetAsync();

    /// <summary>Approves the awaited level; the last level applies the action (or rejects the request with the reason it no longer holds).</summary>
    Task<ApprovalInfo> ApproveAsync(DecideApproval decision);

    Task<ApprovalInfo> RejectAsync(DecideApproval decision);

    Task<ApprovalInfo> CancelAsync(CancelApproval cancellation);
}
