using System.Text.Json;
using M3CoreCRM.Grains.Abstractions.Approvals;
using M3CoreCRM.Grains.Abstractions.Common;
using M3CoreCRM.Grains.Abstractions.Errors;

namespace M3CoreCRM.Grains.Abstractions.Inventory;

/// <summary>The unit status machine: <c>available → on_hold → reserved → sold</c>, with release back to available.</summary>
[GenerateSerializer, Alias("crm.UnitStatus")]
public enum UnitStatus
{
    Available,
    OnHold,
    Reserved,
    Sold,
}

/// <summary>What a unit is held, reserved or sold for.</summary>
[GenerateSerializer, Alias("crm.HolderType")]
public enum HolderType
{
    Deal,
    Lead,
}

[GenerateSerializer, Immutable, Alias("crm.UnitHolder")]
public sealed record UnitHolder([property: Id(0)] HolderType Type, [property: Id(1)] Guid Id);

[GenerateSerializer, Immutable, Alias("crm.UnitRoom")]
public sealed record UnitRoom([property: Id(0)] string Name, [property: Id(1)] decimal AreaSqm);

[GenerateSerializer, Immutable, Alias("crm.UnitDimensions")]
public sealed record UnitDimensions([property: Id(0)] decimal AreaSqm, [property: Id(1)] int Bedrooms, [property: Id(2)] int Bathrooms, [property: Id(3)] IReadOnlyList<UnitRoom> Rooms);

[GenerateSerializer, Immutable, Alias("crm.UnitComponent")]
public sealed record UnitComponent([property: Id(0)] string TypeCode, [property: Id(1)] int Quantity);

/// <summary>A unit's descriptive fields, validated by the caller; <see cref="Bounds"/> covers <see cref="Geometry"/>.</summary>
[GenerateSerializer, Immutable, Alias("crm.UnitDetails")]
public sealed record UnitDetails(
    [property: Id(0)] Guid ProjectId,
    [property: Id(1)] string Code,
    [property: Id(2)] string TypeCode,
    [property: Id(3)] string? Building,
    [property: Id(4)] int? Floor,
    [property: Id(5)] UnitDimensions Dimensions,
    [property: Id(6)] IReadOnlyList<UnitComponent> Components,
    [property: Id(7)] Money ListPrice,
    [property: Id(8)] string? Orientation,
    [property: Id(9)] JsonElement? Geometry,
    [property: Id(10)] GeoBounds? Bounds);

/// <summary>
/// A unit as clients see it. <see cref="FrozenPrice"/> is the list price when the current hold
/// began, kept through reservation and sale whatever the list price does meanwhile.
/// The stored state has these fields under the same names, so lists read it straight from SQL.
/// </summary>
[GenerateSerializer, Immutable, Alias("crm.UnitInfo")]
public sealed record UnitInfo(
    [property: Id(0)] Guid Id,
    [property: Id(1)] Guid ProjectId,
    [property: Id(2)] string Code,
    [property: Id(3)] string TypeCode,
    [property: Id(4)] string? Building,
    [property: Id(5)] int? Floor,
    [property: Id(6)] UnitDimensions Dimensions,
    [property: Id(7)] IReadOnlyList<UnitComponent> Components,
    [property: Id(8)] Money ListPrice,
    [property: Id(9)] string? Orientation,
    [property: Id(10)] JsonElement? Geometry,
    [property: Id(11)] UnitStatus Status,
    [property: Id(12)] UnitHolder? HeldBy,
    [property: Id(13)] Guid? HeldByUserId,
    [property: Id(14)] DateTime? HoldExpiresAt,
    [property: Id(15)] Money? FrozenPrice,
    [property: Id(16)] DateTime? StatusChangedAt,
    [property: Id(17)] DateTime CreatedAt,
    [property: Id(18)] DateTime UpdatedAt,
    [property: Id(19)] long Version);

public static class UnitHoldLimits
{
    /// <summary>The longest hold one request may ask for: a week.</summary>
    public const int MaxHoldMinutes = 7 * 24 * 60;
}

[GenerateSerializer, Immutable, Alias("crm.HoldUnit")]
public sealed record HoldUnit([property: Id(0)] UnitHolder Holder, [property: Id(1)] int HoldMinutes);

/// <summary>Releases a hold or reservation. Without <paramref name="MayReleaseAny"/> (the <c>units.release</c> permission) only the caller's own hold may be released.</summary>
[GenerateSerializer, Immutable, Alias("crm.ReleaseUnit")]
public sealed record ReleaseUnit([property: Id(0)] string Reason, [property: Id(1)] bool MayReleaseAny);

/// <summary>
/// A property unit. Every status change happens here, one request at a time, so a unit is never
/// held, reserved or sold twice: a conflicting request is 409 <c>unit_unavailable</c>, answered
/// from memory. Holds expire by a durable reminder. Key: the unit id.
/// </summary>
[Alias("crm.IUnitGrain")]
public interface IUnitGrain : IGrainWithGuidCompoundKey
{
    [Alias("Create")]
    Task<UnitInfo> CreateAsync(UnitDetails details);

    [ReadOnly, Alias("Get")]
    Task<UnitInfo> GetAsync();

    /// <summary>
    /// Replaces the descriptive fields. A new list price leaves a held or reserved unit's frozen price as it is; under a
    /// <c>unit.price_change</c> policy it waits for approval, and must come without other changes (409 <c>approval_required</c>).
    /// </summary>
    [Alias("Update")]
    Task<Gated<UnitInfo>> UpdateAsync(UnitDetails details, long? expectedVersion);

    /// <summary>
    /// Holds an available unit for a deal or lead; the same holder holding again extends the hold. A unit that
    /// is not available is refused as a value (many agents race for one unit; most of them get this answer).
    /// </summary>
    [Alias("Hold")]
    Task<Answer<UnitInfo>> HoldAsync(HoldUnit command);

    /// <summary>Reserves a unit that is available or held by this deal, or, under a <c>unit.reserve</c> policy, asks for approval and changes nothing.</summary>
    [Alias("Reserve")]
    Task<Gated<UnitInfo>> ReserveAsync(Guid dealId);

    /// <summary>Sells a unit that is available, or held or reserved by this deal, or, under a <c>unit.sell</c> policy, asks for approval and changes nothing.</summary>
    [Alias("Sell")]
    Task<Gated<UnitInfo>> SellAsync(Guid dealId);

    /// <summary>
    /// Applies a reservation, sale or price change whose approval completed, if the unit's rules still allow it
    /// (still available, or held by that deal; the list price still the one the change started from).
    /// </summary>
    [Alias("ApplyApproved")]
    Task<ApprovalOutcome> ApplyApprovedAsync(ApprovedAction action);

    /// <summary>Makes a held or reserved unit available again.</summary>
    [Alias("Release")]
    Task<UnitInfo> ReleaseAsync(ReleaseUnit command);
}
