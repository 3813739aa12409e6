using M3CoreCRM.Grains.Abstractions.Approvals;
using M3CoreCRM.Grains.Abstractions.Common;

namespace M3CoreCRM.Grains.Abstractions.Deals;

/// <summary>A stage of a pipeline; <paramref name="Probability"/> is the chance, 0 to 100, that a deal there is won.</summary>
[GenerateSerializer, Immutable, Alias("crm.PipelineStage")]
public sealed record PipelineStage([property: Id(0)] Guid Id, [property: Id(1)] string Name, [property: Id(2)] int Order, [property: Id(3)] int Probability);

[GenerateSerializer, Immutable, Alias("crm.PipelineFields")]
public sealed record PipelineFields([property: Id(0)] string Name, [property: Id(1)] IReadOnlyList<PipelineStage> Stages);

[GenerateSerializer, Immutable, Alias("crm.PipelineInfo")]
public sealed record PipelineInfo([property: Id(0)] Guid Id, [property: Id(1)] string Name, [property: Id(2)] IReadOnlyList<PipelineStage> Stages, [property: Id(3)] DateTime CreatedAt, [property: Id(4)] long Version);

/// <summary>A sales pipeline (key: the pipeline id). A stage that deals are in cannot be removed (409 <c>stage_in_use</c>; the API checks).</summary>
[Alias("crm.IPipelineGrain")]
public interface IPipelineGrain : IGrainWithGuidCompoundKey
{
    [Alias("Create")]
    Task<PipelineInfo> CreateAsync(PipelineFields fields);

    [ReadOnly, Alias("Get")]
    Task<PipelineInfo> GetAsync();

    [Alias("Update")]
    Task<PipelineInfo> UpdateAsync(PipelineFields fields, long? expectedVersion);
}

[GenerateSerializer, Alias("crm.DealStatus")]
public enum DealStatus
{
    Open,
    Won,
    Lost,
}

/// <summary>What a deal is about and for how much; <paramref name="DiscountPercent"/> is 0 to 100.</summary>
[GenerateSerializer, Immutable, Alias("crm.DealFields")]
public sealed record DealFields(
    [property: Id(0)] string Title, [property: Id(1)] Guid PipelineId, [property: Id(2)] Guid StageId, [property: Id(3)] Money Value, [property: Id(4)] Guid? ContactId, [property: Id(5)] Guid? CompanyId, [property: Id(6)] Guid? LeadId, [property: Id(7)] IReadOnlyList<Guid> UnitIds,
    [property: Id(8)] Guid OwnerId, [property: Id(9)] DateTime? ExpectedCloseAt, [property: Id(10)] decimal DiscountPercent);

[GenerateSerializer, Immutable, Alias("crm.DealInfo")]
public sealed record DealInfo(
    [property: Id(0)] Guid Id, [property: Id(1)] string Title, [property: Id(2)] Guid PipelineId, [property: Id(3)] Guid StageId, [property: Id(4)] Money Value, [property: Id(5)] Guid? ContactId, [property: Id(6)] Guid? CompanyId, [property: Id(7)] Guid? LeadId, [property: Id(8)] IReadOnlyList<Guid> UnitIds,
    [property: Id(9)] Guid OwnerId, [property: Id(10)] DateTime? ExpectedCloseAt, [property: Id(11)] decimal DiscountPercent, [property: Id(12)] DealStatus Status, [property: Id(13)] string? ClosedReason, [property: Id(14)] DateTime? ClosedAt,
    [property: Id(15)] DateTime CreatedAt, [property: Id(16)] DateTime UpdatedAt, [property: Id(17)] long Version);

/// <summary>
/// A deal (key: the deal id). It moves between its pipeline's stages while open, and is won or lost
/// once (409 <c>deal_closed</c> afterwards); events <c>deal.created</c>, <c>deal.stage_changed</c>,
/// <c>deal.won</c>, <c>deal.lost</c> name its owner.
/// </summary>
[Alias("crm.IDealGrain")]
public interface IDealGrain : IGrainWithGuidCompoundKey
{
    /// <summary>
    /// Creating again with the same id and fields returns the deal (a retried lead conversion); other fields are 409 <c>deal_exists</c>.
    /// A discount that a <c>deal.discount</c> policy would gate is 409 <c>approval_required</c>: it is asked for after creation.
    /// </summary>
    [Alias("Create")]
    Task<DealInfo> CreateAsync(DealFields fields);

    [ReadOnly, Alias("Get")]
    Task<DealInfo> GetAsync();

    /// <summary>Changes what the deal is; the discount stays as it is (400 if it differs: it changes through <see cref="DiscountAsync"/>).</summary>
    [Alias("Update")]
    Task<DealInfo> UpdateAsync(DealFields fields, long? expectedVersion);

    [Alias("Move")]
    Task<DealInfo> MoveAsync(Guid stageId);

    /// <summary>Wins the deal, or, under a <c>deal.win</c> policy, asks for approval and changes nothing.</summary>
    [Alias("Win")]
    Task<Gated<DealInfo>> WinAsync(string? reason);

    /// <summary>Sets the discount, or, under a <c>deal.discount</c> policy whose condition the new discount meets, asks for approval and changes nothing.</summary>
    [Alias("Discount")]
    Task<Gated<DealInfo>> DiscountAsync(decimal discountPercent);

    /// <summary>Applies a discount or win whose approval completed, if the deal is still open.</summary>
    [Alias("ApplyApproved")]
    Task<ApprovalOutcome> ApplyApprovedAsync(ApprovedAction action);

    [Alias("Lose")]
    Task<DealInfo> LoseAsync(string reason);

    [Alias("Delete")]
    Task DeleteAsync(long? expectedVersion);
}
