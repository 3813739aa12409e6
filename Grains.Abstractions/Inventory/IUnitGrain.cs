using System.Text.Json;
using M3CoreCRM.Grains.Abstractions.Approvals;
using M3CoreCRM.Grains.Abstractions.Common;
using M3CoreCRM.Runtime.Grains;

namespace M3CoreCRM.Grains.Abstractions.Inventory;

/// <summary>The unit status machine: <c>available → on_hold → reserved → sold</c>, with release back to available.</summary>
public enum UnitStatus
{
    Available,
    OnHold,
    Reserved,
    Sold,
}

/// <summary>What a unit is held, reserved or sold for.</summary>
public enum HolderType
{
    Deal,
    Lead,
}

public sealed record UnitHolder(HolderType Type, Guid Id);

public sealed record UnitRoom(string Name, decimal AreaSqm);

public sealed record UnitDimensions(decimal AreaSqm, int Bedrooms, int Bathrooms, IReadOnlyList<UnitRoom> Rooms);

public sealed record UnitComponent(string TypeCode, int Quantity);

/// <summary>A unit's descriptive fields, validated by the caller; <see cref="Bounds"/> covers <see cref="Geometry"/>.</summary>
public sealed record UnitDetails(
    Guid ProjectId,
    string Code,
    string TypeCode,
    string? Building,
    int? Floor,
    UnitDimensions Dimensions,
    IReadOnlyList<UnitComponent> Components,
    Money ListPrice,
    string? Orientation,
    JsonElement? Geometry,
    GeoBounds? Bounds);

/// <summary>
/// A unit as clients see it. <see cref="FrozenPrice"/> is the list price when the current hold
/// began, kept through reservation and sale whatever the list price does meanwhile.
/// The stored state has these fields under the same names, so lists read it straight from SQL.
/// </summary>
public sealed record UnitInfo(
    Guid Id,
    Guid ProjectId,
    string Code,
    string TypeCode,
    string? Building,
    int? Floor,
    UnitDimensions Dimensions,
    IReadOnlyList<UnitComponent> Components,
    Money ListPrice,
    string? Orientation,
    JsonElement? Geometry,
    UnitStatus Status,
    UnitHolder? HeldBy,
    Guid? HeldByUserId,
    DateTime? HoldExpiresAt,
    Money? FrozenPrice,
    DateTime? StatusChangedAt,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    long Version);

public static class UnitHoldLimits
{
    /// <summary>The longest hold one request may ask for: a week.</summary>
    public const int MaxHoldMinutes = 7 * 24 * 60;
}

public sealed record HoldUnit(UnitHolder Holder, int HoldMinutes);

/// <summary>Releases a hold or reservation. Without <paramref name="MayReleaseAny"/> (the <c>units.release</c> permission) only the caller's own hold may be released.</summary>
public sealed record ReleaseUnit(string Reason, bool MayReleaseAny);

/// <summary>
/// A property unit. Every status change happens here, one request at a time, so a unit is never
/// held, reserved or sold twice: a conflicting request is 409 <c>unit_unavailable</c>, answered
/// from memory. Holds expire by a durable reminder. Key: the unit id.
/// </summary>
public interface IUnitGrain : IGrain
{
    Task<UnitInfo> CreateAsync(UnitDetails details);

    [ReadOnly]
    Task<UnitInfo> GetAsync();

    /// <summary>
    /// Replaces the descriptive fields. A new list price leaves a held or reserved unit's frozen price as it is; under a
    /// <c>unit.price_change</c> policy it waits for approval, and must come without other changes (409 <c>approval_required</c>).
    /// </summary>
    Task<Gated<UnitInfo>> UpdateAsync(UnitDetails details, long? expectedVersion);

    /// <summary>Holds an available unit for a deal or lead; the same holder holding again extends the hold.</summary>
    Task<UnitInfo> HoldAsync(HoldUnit command);

    /// <summary>Reserves a unit that is available or held by this deal, or, under a <c>unit.reserve</c> policy, asks for approval and changes nothing.</summary>
    Task<Gated<UnitInfo>> ReserveAsync(Guid dealId);

    /// <summary>Sells a unit that is available, or held or reserved by this deal, or, under a <c>unit.sell</c> policy, asks for approval and changes nothing.</summary>
    Task<Gated<UnitInfo>> SellAsync(Guid dealId);

    /// <summary>
    /// Applies a reservation, sale or price change whose approval completed, if the unit's rules still allow it
    /// (still available, or held by that deal; the list price still the one the change started from).
    /// </summary>
    Task<ApprovalOutcome> ApplyApprovedAsync(ApprovedAction action);

    /// <summary>Makes a held or reserved unit available again.</summary>
    Task<UnitInfo> ReleaseAsync(ReleaseUnit command);
}
