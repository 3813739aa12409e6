using M3CoreCRM.Runtime.Grains;

namespace M3CoreCRM.Grains.Abstractions.Approvals;

public static class ApprovalPolicyLimits
{
    public const int MaxLevels = 5;

    /// <summary>How long a request waits for its decisions when its policy names no expiry: a week.</summary>
    public const int DefaultExpiresAfterMinutes = 7 * 24 * 60;

    /// <summary>The longest a request may wait: 30 days.</summary>
    public const int MaxExpiresAfterMinutes = 30 * 24 * 60;

    /// <summary>Approvers named directly, and roles and groups named, per policy.</summary>
    public const int MaxApproverEntries = 100;
}

/// <summary>
/// Which requests of an action need approval (all of them, or those whose input meets <paramref name="Condition"/>),
/// who approves them (holders of <c>approvals.decide</c> among the roles', groups' and named users' people), how many
/// different approvers in turn (<paramref name="Levels"/>), and how long a request waits.
/// </summary>
public sealed record ApprovalPolicyFields(
    string Name,
    string Action,
    ApprovalCondition? Condition,
    IReadOnlyList<Guid> ApproverRoleIds,
    IReadOnlyList<Guid> ApproverGroupIds,
    IReadOnlyList<Guid> ApproverUserIds,
    int Levels,
    int? ExpiresAfterMinutes);

public sealed record ApprovalPolicyInfo(
    Guid Id,
    string Name,
    string Action,
    ApprovalCondition? Condition,
    IReadOnlyList<Guid> ApproverRoleIds,
    IReadOnlyList<Guid> ApproverGroupIds,
    IReadOnlyList<Guid> ApproverUserIds,
    int Levels,
    int? ExpiresAfterMinutes,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    long Version);

/// <summary>An approval policy of a tenant (key: the policy id). Requests already made keep the policy as it was when they were made.</summary>
public interface IApprovalPolicyGrain : IGrain
{
    Task<ApprovalPolicyInfo> CreateAsync(ApprovalPolicyFields fields);

    [ReadOnly]
    Task<ApprovalPolicyInfo> GetAsync();

    Task<ApprovalPolicyInfo> UpdateAsync(ApprovalPolicyFields fields, long? expectedVersion);

    /// <summary>Deletes the policy: actions it gated happen at once from now on; requests it already made go on.</summary>
    Task DeleteAsync(long? expectedVersion);
}
