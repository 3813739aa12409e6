
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
[GenerateSerializer, Immutable, Alias("crm.ApprovalPolicyFields")]
public sealed record ApprovalPolicyFields(
    [property: Id(0)] string Name,
    [property: Id(1)] string Action,
    [property: Id(2)] ApprovalCondition? Condition,
    [property: Id(3)] IReadOnlyList<Guid> ApproverRoleIds,
    [property: Id(4)] IReadOnlyList<Guid> ApproverGroupIds,
    [property: Id(5)] IReadOnlyList<Guid> ApproverUserIds,
    [property: Id(6)] int Levels,
    [property: Id(7)] int? ExpiresAfterMinutes);

[GenerateSerializer, Immutable, Alias("crm.ApprovalPolicyInfo")]
public sealed record ApprovalPolicyInfo(
    [property: Id(0)] Guid Id,
    [property: Id(1)] string Name,
    [property: Id(2)] string Action,
    [property: Id(3)] ApprovalCondition? Condition,
    [property: Id(4)] IReadOnlyList<Guid> ApproverRoleIds,
    [property: Id(5)] IReadOnlyList<Guid> ApproverGroupIds,
    [property: Id(6)] IReadOnlyList<Guid> ApproverUserIds,
    [property: Id(7)] int Levels,
    [property: Id(8)] int? ExpiresAfterMinutes,
    [property: Id(9)] DateTime CreatedAt,
    [property: Id(10)] DateTime UpdatedAt,
    [property: Id(11)] long Version);

/// <summary>An approval policy of a tenant (key: the policy id). Requests already made keep the policy as it was when they were made.</summary>
[Alias("crm.IApprovalPolicyGrain")]
public interface IApprovalPolicyGrain : IGrainWithGuidCompoundKey
{
    [Alias("Create")]
    Task<ApprovalPolicyInfo> CreateAsync(ApprovalPolicyFields fields);

    [ReadOnly, Alias("Get")]
    Task<ApprovalPolicyInfo> GetAsync();

    [Alias("Update")]
    Task<ApprovalPolicyInfo> UpdateAsync(ApprovalPolicyFields fields, long? expectedVersion);

    /// <summary>Deletes the policy: actions it gated happen at once from now on; requests it already made go on.</summary>
    [Alias("Delete")]
    Task DeleteAsync(long? expectedVersion);
}
