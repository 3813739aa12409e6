using M3CoreCRM.Grains.Abstractions.Approvals;
using M3CoreCRM.Grains.Abstractions.Common;
using M3CoreCRM.Runtime.Grains;

namespace M3CoreCRM.Grains.Abstractions.Deals;

/// <summary>A stage of a pipeline; <paramref name="Probability"/> is the chance, 0 to 100, that a deal there is won.</summary>
public sealed record PipelineStage(Guid Id, string Name, int Order, int Probability);

public sealed record PipelineFields(string Name, IReadOnlyList<PipelineStage> Stages);

public sealed record PipelineInfo(Guid Id, string Name, IReadOnlyList<PipelineStage> Stages, DateTime CreatedAt, long Version);

/// <summary>A sales pipeline (key: the pipeline id). A stage that deals are in cannot be removed (409 <c>stage_in_use</c>; the API checks).</summary>
public interface IPipelineGrain : IGrain
{
    Task<PipelineInfo> CreateAsync(PipelineFields fields);

    [ReadOnly]
    Task<PipelineInfo> GetAsync();

    Task<PipelineInfo> UpdateAsync(PipelineFields fields, long? expectedVersion);
}

public enum DealStatus
{
    Open,
    Won,
    Lost,
}

/// <summary>What a deal is about and for how much; <paramref name="DiscountPercent"/> is 0 to 100.</summary>
public sealed record DealFields(
    string Title, Guid PipelineId, Guid StageId, Money Value, Guid? ContactId, Guid? CompanyId, Guid? LeadId, IReadOnlyList<Guid> UnitIds,
    Guid OwnerId, DateTime? ExpectedCloseAt, decimal DiscountPercent);

public sealed record DealInfo(
    Guid Id, string Title, Guid PipelineId, Guid StageId, Money Value, Guid? ContactId, Guid? CompanyId, Guid? LeadId, IReadOnlyList<Guid> UnitIds,
    Guid OwnerId, DateTime? ExpectedCloseAt, decimal DiscountPercent, DealStatus Status, string? ClosedReason, DateTime? ClosedAt,
    DateTime CreatedAt, DateTime UpdatedAt, long Version);

/// <summary>
/// A deal (key: the deal id). It moves between its pipeline's stages while open, and is won or lost
/// once (409 <c>deal_closed</c> afterwards); events <c>deal.created</c>, <c>deal.stage_changed</c>,
/// <c>deal.won</c>, <c>deal.lost</c> name its owner.
/// </summary>
public interface IDealGrain : IGrain
{
    /// <summary>
    /// Creating again with the same id and fields returns the deal (a retried lead conversion); other fields are 409 <c>deal_exists</c>.
    /// A discount that a <c>deal.discount</c> policy would gate is 409 <c>approval_required</c>: it is asked for after creation.
    /// </summary>
    Task<DealInfo> CreateAsync(DealFields fields);

    [ReadOnly]
    Task<DealInfo> GetAsync();

    /// <summary>Changes what the deal is; the discount stays as it is (400 if it differs: it changes through <see cref="DiscountAsync"/>).</summary>
    Task<DealInfo> UpdateAsync(DealFields fields, long? expectedVersion);

    Task<DealInfo> MoveAsync(Guid stageId);

    /// <summary>Wins the deal, or, under a <c>deal.win</c> policy, asks for approval and changes nothing.</summary>
    Task<Gated<DealInfo>> WinAsync(string? reason);

    /// <summary>Sets the discount, or, under a <c>deal.discount</c> policy whose condition the new discount meets, asks for approval and changes nothing.</summary>
    Task<Gated<DealInfo>> DiscountAsync(decimal discountPercent);

    /// <summary>Applies a discount or win whose approval completed, if the deal is still open.</summary>
    Task<ApprovalOutcome> ApplyApprovedAsync(ApprovedAction action);

    Task<DealInfo> LoseAsync(string reason);

    Task DeleteAsync(long? expectedVersion);
}
