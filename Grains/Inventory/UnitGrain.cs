using System.Text.Json;
using M3CoreCRM.Grains.Abstractions.Common;
using M3CoreCRM.Grains.Abstractions.Inventory;
using M3CoreCRM.Runtime.Errors;
using M3CoreCRM.Runtime.Events;
using M3CoreCRM.Runtime.Grains;
using M3CoreCRM.Runtime.Persistence;

namespace M3CoreCRM.Grains.Inventory;

/// <summary>A unit's stored state; its public fields have the names of <see cref="UnitInfo"/>, which lists read from SQL.</summary>
public sealed class UnitState
{
    public Guid ProjectId { get; set; }

    public string Code { get; set; } = "";

    public string TypeCode { get; set; } = "";

    public string? Building { get; set; }

    public int? Floor { get; set; }

    public UnitDimensions Dimensions { get; set; } = new(0, 0, 0, []);

    public IReadOnlyList<UnitComponent> Components { get; set; } = [];

    public Money ListPrice { get; set; } = new(0, "USD");

    public string? Orientation { get; set; }

    public JsonElement? Geometry { get; set; }

    /// <summary>For the map's GiST index (a generated <c>box</c> column); not part of the API shape.</summary>
    public GeoBounds? Bounds { get; set; }

    public UnitStatus Status { get; set; }

    public UnitHolder? HeldBy { get; set; }

    public Guid? HeldByUserId { get; set; }

    /// <summary>Names the current hold's expiry reminder, so a reminder left from an earlier hold never ends a later one.</summary>
    public Guid? HoldId { get; set; }

    public DateTime? HoldExpiresAt { get; set; }

    public Money? FrozenPrice { get; set; }

    public DateTime? StatusChangedAt { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime UpdatedAt { get; set; }
}

[GrainType("unit")]
public sealed class UnitGrain([PersistentState("units")] IPersistentState<UnitState> state) : Grain, IUnitGrain, IRemindable
{
    private const string HoldReminderPrefix = "hold:";
    private const string Unavailable = "unit_unavailable";

    /// <summary>Who held the unit before the transition being written (for its event's <c>ownerId</c>).</summary>
    private Guid? _formerHolderUserId;

    public async Task<UnitInfo> CreateAsync(UnitDetails details)
    {
        if (state.RecordExists)
        {
            throw new DomainException(DomainErrorKind.Conflict, "unit_exists", "This unit already exists.");
        }

        var now = DateTime.UtcNow;
        state.State = new UnitState { Status = UnitStatus.Available, CreatedAt = now, UpdatedAt = now, StatusChangedAt = now };
        var changes = Apply(details);
        await WriteAsync([Event("unit.created", new { id = Key, details.ProjectId, details.Code, status = UnitStatus.Available }, changes)]);
        return Info();
    }

    public Task<UnitInfo> GetAsync()
    {
        EnsureExists();
        return Task.FromResult(Info());
    }

    public async Task<UnitInfo> UpdateAsync(UnitDetails details, long? expectedVersion)
    {
        EnsureExists();
        Concurrency.Check(state.Version, expectedVersion);
        if (details.ProjectId != state.State.ProjectId)
        {
            throw DomainException.Invalid("projectId", "A unit cannot move to another project.");
        }

        var changes = Apply(details);
        if (changes.Count > 0)
        {
            state.State.UpdatedAt = DateTime.UtcNow;
            await WriteAsync([Event("unit.updated", new { id = Key, state.State.ProjectId, state.State.Code }, changes)]);
        }

        return Info();
    }

    public async Task<UnitInfo> HoldAsync(HoldUnit command)
    {
        EnsureExists();
        if (command.HoldMinutes is < 1 or > UnitHoldLimits.MaxHoldMinutes)
        {
            throw DomainException.Invalid("holdMinutes", $"holdMinutes must be between 1 and {UnitHoldLimits.MaxHoldMinutes}.");
        }

        await ExpireHoldIfDueAsync();
        var s = state.State;
        var expiresAt = DateTime.UtcNow.AddMinutes(command.HoldMinutes);
        if (s.Status == UnitStatus.OnHold && s.HeldBy == command.Holder)
        {
            // The holder asking again extends (or shortens) its own hold; the frozen price stays. The
            // new end gets a new hold id and reminder, so the old reminder, even one already on its
            // way, finds no hold of its id; and if this write fails, the new one finds none either.
            var before = s.HoldExpiresAt;
            var previousHold = s.HoldId;
            var extendedHold = Guid.CreateVersion7();
            await RegisterOrUpdateReminderAsync(HoldReminderPrefix + extendedHold, expiresAt - DateTime.UtcNow);
            s.HoldExpiresAt = expiresAt;
            s.HoldId = extendedHold;
            await WriteAsync([Event("unit.hold_extended", StatusData("hold_extended"), new() { ["holdExpiresAt"] = new(before, expiresAt) })]);
            await ForgetHoldReminderAsync(previousHold);
            return Info();
        }

        if (s.Status != UnitStatus.Available)
        {
            throw UnavailableFor("held");
        }

        // The reminder goes in before the hold is written: if the write then fails, the reminder
        // finds no hold of its id and does nothing; the other order could leave a hold that never expires.
        var holdId = Guid.CreateVersion7();
        await RegisterOrUpdateReminderAsync(HoldReminderPrefix + holdId, expiresAt - DateTime.UtcNow);
        var changes = Transition(UnitStatus.OnHold, command.Holder, expiresAt);
        s.HoldId = holdId;
        s.FrozenPrice = s.ListPrice;
        await WriteAsync([Event("unit.status_changed", StatusData("held"), changes)]);
        return Info();
    }

    public async Task<UnitInfo> ReserveAsync(Guid dealId)
    {
        EnsureExists();
        await ExpireHoldIfDueAsync();
        var deal = new UnitHolder(HolderType.Deal, dealId);
        var s = state.State;
        if (!(s.Status == UnitStatus.Available || (s.Status == UnitStatus.OnHold && s.HeldBy == deal)))
        {
            throw UnavailableFor("reserved by this deal");
        }

        var endedHold = s.HoldId;
        s.FrozenPrice ??= s.ListPrice;
        var changes = Transition(UnitStatus.Reserved, deal, null);
        await WriteAsync([Event("unit.status_changed", StatusData("reserved"), changes)]);
        await ForgetHoldReminderAsync(endedHold);
        return Info();
    }

    public async Task<UnitInfo> SellAsync(Guid dealId)
    {
        EnsureExists();
        await ExpireHoldIfDueAsync();
        var deal = new UnitHolder(HolderType.Deal, dealId);
        var s = state.State;
        if (!(s.Status == UnitStatus.Available || (s.Status is UnitStatus.OnHold or UnitStatus.Reserved && s.HeldBy == deal)))
        {
            throw UnavailableFor("sold to this deal");
        }

        var endedHold = s.HoldId;
        s.FrozenPrice ??= s.ListPrice;
        var changes = Transition(UnitStatus.Sold, deal, null);
        await WriteAsync([Event("unit.status_changed", StatusData("sold"), changes)]);
        await ForgetHoldReminderAsync(endedHold);
        return Info();
    }

    public async Task<UnitInfo> ReleaseAsync(ReleaseUnit command)
    {
        EnsureExists();
        await ExpireHoldIfDueAsync();
        var s = state.State;
        if (s.Status is UnitStatus.Available or UnitStatus.Sold)
        {
            throw new DomainException(DomainErrorKind.Conflict, "invalid_transition", s.Status == UnitStatus.Sold
                ? "A sold unit cannot be released."
                : "The unit is not held or reserved.");
        }

        var actor = RequestContext.Current?.ActorId;
        if (!command.MayReleaseAny && !(s.Status == UnitStatus.OnHold && actor is not null && s.HeldByUserId == actor))
        {
            throw new DomainException(DomainErrorKind.Forbidden, "forbidden", "Releasing a unit someone else holds, or a reserved unit, needs the permission 'units.release'.");
        }

        var endedHold = s.HoldId;
        var changes = Transition(UnitStatus.Available, null, null);
        s.FrozenPrice = null;
        await WriteAsync([Event("unit.status_changed", StatusData("released", command.Reason), changes)]);
        await ForgetHoldReminderAsync(endedHold);
        return Info();
    }

    public async Task ReceiveReminderAsync(string reminderName, ReminderTick tick)
    {
        // The reminder fires on or after the hold's end; a reminder of an earlier hold (or of a
        // hold already released, reserved or extended away) names another hold id and changes nothing.
        if (state.RecordExists && state.State.Status == UnitStatus.OnHold && reminderName == HoldReminderPrefix + state.State.HoldId)
        {
            await ExpireAsync();
        }
    }

    /// <summary>A hold whose time has passed ends before any other change, even if its reminder has not fired yet.</summary>
    private async Task ExpireHoldIfDueAsync()
    {
        if (state.State.Status == UnitStatus.OnHold && state.State.HoldExpiresAt <= DateTime.UtcNow)
        {
            var endedHold = state.State.HoldId;
            await ExpireAsync();
            await ForgetHoldReminderAsync(endedHold);
        }
    }

    private async Task ExpireAsync()
    {
        var changes = Transition(UnitStatus.Available, null, null);
        state.State.FrozenPrice = null;
        await WriteAsync([Event("unit.status_changed", StatusData("hold_expired"), changes)]);
    }

    private Dictionary<string, FieldChange> Transition(UnitStatus to, UnitHolder? holder, DateTime? holdExpiresAt)
    {
        var s = state.State;
        _formerHolderUserId = s.HeldByUserId;
        var changes = new Dictionary<string, FieldChange>
        {
            ["status"] = new(s.Status, to),
            ["heldBy"] = new(s.HeldBy, holder),
        };
        if (s.HoldExpiresAt != holdExpiresAt)
        {
            changes["holdExpiresAt"] = new(s.HoldExpiresAt, holdExpiresAt);
        }

        var now = DateTime.UtcNow;
        s.Status = to;
        s.HeldBy = holder;
        s.HeldByUserId = holder is null ? null : RequestContext.Current?.ActorId ?? s.HeldByUserId;
        s.HoldExpiresAt = holdExpiresAt;
        s.HoldId = null;
        s.StatusChangedAt = now;
        s.UpdatedAt = now;
        return changes;
    }

    private Task ForgetHoldReminderAsync(Guid? holdId) => holdId is null ? Task.CompletedTask : ForgetReminderAsync(HoldReminderPrefix + holdId);

    private Dictionary<string, FieldChange> Apply(UnitDetails d)
    {
        var s = state.State;
        var changes = new Dictionary<string, FieldChange>();
        Change.Track(changes, "projectId", s.ProjectId, d.ProjectId, v => s.ProjectId = v);
        Change.Track(changes, "code", s.Code, d.Code, v => s.Code = v);
        Change.Track(changes, "typeCode", s.TypeCode, d.TypeCode, v => s.TypeCode = v);
        Change.Track(changes, "building", s.Building, d.Building, v => s.Building = v);
        Change.Track(changes, "floor", s.Floor, d.Floor, v => s.Floor = v);
        Change.TrackShape(changes, "dimensions", s.Dimensions, d.Dimensions, v => s.Dimensions = v);
        Change.TrackShape(changes, "components", s.Components, d.Components, v => s.Components = v);
        Change.Track(changes, "listPrice", s.ListPrice, d.ListPrice, v => s.ListPrice = v);
        Change.Track(changes, "orientation", s.Orientation, d.Orientation, v => s.Orientation = v);
        Change.TrackJson(changes, "geometry", s.Geometry, d.Geometry, v => s.Geometry = v);
        s.Bounds = d.Bounds;
        return changes;
    }

    /// <summary>
    /// The event's <c>ownerId</c> is the person whose hold it is: the one who placed it, or, when it ends,
    /// the one who had placed it (so that a hold expiring or released by someone else notifies them).
    /// </summary>
    private object StatusData(string transition, string? reason = null)
    {
        var s = state.State;
        var ownerId = s.HeldByUserId ?? _formerHolderUserId;
        return new { id = Key, s.ProjectId, s.Code, s.TypeCode, s.Status, transition, s.HeldBy, s.HoldExpiresAt, s.FrozenPrice, s.ListPrice, reason, ownerId };
    }

    private GrainEvent Event(string type, object data, Dictionary<string, FieldChange> changes) => new(type, "unit", Key, data, changes);

    private async Task WriteAsync(IReadOnlyList<GrainEvent> events)
    {
        // Read before the write: a failed write reloads the stored state.
        var code = state.State.Code;
        try
        {
            await state.WriteStateAsync(events);
        }
        catch (UniqueConstraintException exception) when (exception.Constraint == "units_code")
        {
            throw new DomainException(DomainErrorKind.Conflict, "code_taken", $"Another unit of this project has the code '{code}'.");
        }
    }

    private DomainException UnavailableFor(string what)
    {
        var s = state.State;
        var detail = s.Status switch
        {
            UnitStatus.OnHold => $"The unit is on hold for another {(s.HeldBy?.Type == HolderType.Lead ? "lead" : "deal")} until {s.HoldExpiresAt:O}; it cannot be {what}.",
            UnitStatus.Reserved => $"The unit is reserved; it cannot be {what}.",
            UnitStatus.Sold => $"The unit is sold; it cannot be {what}.",
            _ => $"The unit cannot be {what}.",
        };
        return new DomainException(DomainErrorKind.Conflict, Unavailable, detail);
    }

    private void EnsureExists()
    {
        if (!state.RecordExists)
        {
            throw DomainException.NotFound("The unit");
        }
    }

    private UnitInfo Info()
    {
        var s = state.State;
        return new(Key, s.ProjectId, s.Code, s.TypeCode, s.Building, s.Floor, s.Dimensions, s.Components, s.ListPrice, s.Orientation, s.Geometry,
            s.Status, s.HeldBy, s.HeldByUserId, s.HoldExpiresAt, s.FrozenPrice, s.StatusChangedAt, s.CreatedAt, s.UpdatedAt, state.Version);
    }
}
