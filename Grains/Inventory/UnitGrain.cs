using M3CoreCRM.Grains.Abstractions.Billing;
using System.Text.Json;
using M3CoreCRM.Grains.Abstractions.Approvals;
using M3CoreCRM.Grains.Abstractions.Common;
using M3CoreCRM.Grains.Abstractions.Deals;
using M3CoreCRM.Grains.Abstractions.Inventory;
using M3CoreCRM.Grains.Abstractions.Leads;
using M3CoreCRM.Grains.Approvals;
using M3CoreCRM.Grains.Events;
using M3CoreCRM.Grains.Persistence;

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

    /// <summary>
    /// The end the hold's reminder was set for. An extension leaves the reminder where it is; when it comes, a later
    /// <see cref="HoldExpiresAt"/> moves it there instead of ending the hold. Null in holds stored before: their
    /// reminder is at their end.
    /// </summary>
    public DateTime? HoldReminderAt { get; set; }

    public Money? FrozenPrice { get; set; }

    public DateTime? StatusChangedAt { get; set; }

    /// <summary>The latest approvals applied here, so that an approval finished twice (after a crash) applies once.</summary>
    public List<Guid> AppliedApprovals { get; set; } = [];

    public DateTime CreatedAt { get; set; }

    public DateTime UpdatedAt { get; set; }
}

[GrainType("unit")]
public sealed class UnitGrain([PersistentState("units", CrmStorage.Name)] IPersistentState<UnitState> state, ApprovalGate approvals) : CrmGrain, IUnitGrain, IRemindable
{
    private const string HoldReminderPrefix = "hold:";
    private const string Unavailable = "unit_unavailable";

    /// <summary>Who held the unit before the transition being written (for its event's <c>ownerId</c>).</summary>
    private Guid? _formerHolderUserId;

    /// <summary>The status before the transition being written (for its event's <c>previousStatus</c>).</summary>
    private UnitStatus _formerStatus;

    public async Task<UnitInfo> CreateAsync(UnitDetails details)
    {
        if (state.RecordExists)
        {
            throw new DomainException(DomainErrorKind.Conflict, "unit_exists", "This unit already exists.");
        }

        return await WithinPlanAsync(PlanLimit.Units, async () =>
        {
            var now = DateTime.UtcNow;
            state.State = new UnitState { Status = UnitStatus.Available, CreatedAt = now, UpdatedAt = now, StatusChangedAt = now };
            var changes = Apply(state.State, details);
            await WriteAsync([Event("unit.created", new { id = Key, details.ProjectId, details.Code, details.TypeCode, details.ListPrice, status = UnitStatus.Available }, changes)]);
            return Info();
        });
    }

    public Task<UnitInfo> GetAsync()
    {
        EnsureExists();
        return Task.FromResult(Info());
    }

    public async Task<Gated<UnitInfo>> UpdateAsync(UnitDetails details, long? expectedVersion)
    {
        EnsureExists();
        Concurrency.Check(state.Version, expectedVersion);
        var s = state.State;
        if (details.ProjectId != s.ProjectId)
        {
            throw DomainException.Invalid("projectId", "A unit cannot move to another project.");
        }

        if (details.ListPrice != s.ListPrice && await approvals.MatchAsync(TenantId, ApprovalActions.UnitPriceChange, PriceChangeInput(details.ListPrice)) is { } match)
        {
            // Nothing is applied while the new price waits, and nothing else may ride along with it.
            if (Apply(Clone(s), details with { ListPrice = s.ListPrice }).Count > 0)
            {
                throw ApprovalGate.MixedChange("The list price change", "send the new listPrice in a request of its own.");
            }

            return Gated.Waiting<UnitInfo>(await ApprovalGate.RequestAsync(GrainFactory, TenantId, match, Subject));
        }

        var changes = Apply(s, details);
        if (changes.Count > 0)
        {
            s.UpdatedAt = DateTime.UtcNow;
            await WriteAsync([Event("unit.updated", new { id = Key, s.ProjectId, s.Code }, changes)]);
        }

        return Gated.Done(Info());
    }

    public async Task<Answer<UnitInfo>> HoldAsync(HoldUnit command)
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
            // The holder asking again extends (or shortens) its own hold; the frozen price stays. A longer hold keeps
            // its id and its reminder, which comes at the old end and moves itself to the new one (OnReminderAsync):
            // an extension, what an agent does most, is one write. A shorter one gets a new hold id and a reminder at
            // its new end, so the old reminder, even one already on its way, finds no hold of its id; and if the write
            // fails, the new one finds none either.
            var before = s.HoldExpiresAt;
            var previousHold = s.HoldId;
            var shortened = expiresAt < before;
            if (shortened)
            {
                var shortenedHold = Guid.CreateVersion7();
                await RemindOnceAsync(HoldReminderPrefix + shortenedHold, expiresAt - DateTime.UtcNow);
                s.HoldId = shortenedHold;
                s.HoldReminderAt = expiresAt;
            }
            else
            {
                s.HoldReminderAt ??= before;
            }

            s.HoldExpiresAt = expiresAt;
            await WriteAsync([Event("unit.hold_extended", StatusData("hold_extended"), new() { ["holdExpiresAt"] = new(before, expiresAt) })]);
            if (shortened)
            {
                await ForgetHoldReminderAsync(previousHold);
            }

            return Answer.Done(Info());
        }

        if (s.Status != UnitStatus.Available)
        {
            return Answer.Refuse<UnitInfo>(UnavailableFor("held"));
        }

        await EnsureHolderExistsAsync(command.Holder);

        // The reminder goes in before the hold is written: if the write then fails, the reminder
        // finds no hold of its id and does nothing; the other order could leave a hold that never expires.
        var holdId = Guid.CreateVersion7();
        await RemindOnceAsync(HoldReminderPrefix + holdId, expiresAt - DateTime.UtcNow);
        var changes = Transition(UnitStatus.OnHold, command.Holder, expiresAt);
        s.HoldId = holdId;
        s.HoldReminderAt = expiresAt;
        s.FrozenPrice = s.ListPrice;
        await WriteAsync([Event("unit.status_changed", StatusData("held"), changes)]);
        return Answer.Done(Info());
    }

    public async Task<Gated<UnitInfo>> ReserveAsync(Guid dealId)
    {
        EnsureExists();
        await ExpireHoldIfDueAsync();
        var deal = new UnitHolder(HolderType.Deal, dealId);
        if (!MayReserve(deal))
        {
            throw UnavailableFor("reserved by this deal");
        }

        await EnsureHolderExistsAsync(deal);

        // Checked after the unit's own rules: a request that could never be applied is refused now, not sent to approvers.
        if (await approvals.MatchAsync(TenantId, ApprovalActions.UnitReserve, DealInput(dealId)) is { } match)
        {
            return Gated.Waiting<UnitInfo>(await ApprovalGate.RequestAsync(GrainFactory, TenantId, match, Subject));
        }

        await CommitAsync(UnitStatus.Reserved, deal, "reserved", null, null);
        return Gated.Done(Info());
    }

    public async Task<Gated<UnitInfo>> SellAsync(Guid dealId)
    {
        EnsureExists();
        await ExpireHoldIfDueAsync();
        var deal = new UnitHolder(HolderType.Deal, dealId);
        if (!MaySell(deal))
        {
            throw UnavailableFor("sold to this deal");
        }

        await EnsureHolderExistsAsync(deal);

        if (await approvals.MatchAsync(TenantId, ApprovalActions.UnitSell, DealInput(dealId)) is { } match)
        {
            return Gated.Waiting<UnitInfo>(await ApprovalGate.RequestAsync(GrainFactory, TenantId, match, Subject));
        }

        await CommitAsync(UnitStatus.Sold, deal, "sold", null, null);
        return Gated.Done(Info());
    }

    public async Task<ApprovalOutcome> ApplyApprovedAsync(ApprovedAction action)
    {
        if (!state.RecordExists)
        {
            return ApprovalOutcome.Refused("The unit no longer exists.");
        }

        var s = state.State;
        if (s.AppliedApprovals.Contains(action.ApprovalId))
        {
            return ApprovalOutcome.Done;
        }

        await ExpireHoldIfDueAsync();
        switch (action.Action)
        {
            case ApprovalActions.UnitReserve or ApprovalActions.UnitSell:
                var deal = new UnitHolder(HolderType.Deal, action.Input.GetProperty("dealId").GetGuid());
                var reserve = action.Action == ApprovalActions.UnitReserve;
                if (!(reserve ? MayReserve(deal) : MaySell(deal)))
                {
                    return ApprovalOutcome.Refused(UnavailableFor(reserve ? "reserved by this deal" : "sold to this deal").Message);
                }

                if (s.HeldBy != deal && !await HolderExistsAsync(deal))
                {
                    return ApprovalOutcome.Refused("The deal no longer exists.");
                }

                await CommitAsync(reserve ? UnitStatus.Reserved : UnitStatus.Sold, deal, reserve ? "reserved" : "sold", action.ApprovalId, action.RequestedBy);
                return ApprovalOutcome.Done;

            case ApprovalActions.UnitPriceChange:
                var input = action.Input;
                var currency = input.GetProperty("currency").GetString()!;
                var from = new Money(input.GetProperty("previousPrice").GetDecimal(), currency);
                var to = new Money(input.GetProperty("listPrice").GetDecimal(), currency);
                if (s.ListPrice != from && s.ListPrice != to)
                {
                    return ApprovalOutcome.Refused($"The list price changed since the request: it is {s.ListPrice.Amount} {s.ListPrice.Currency} now.");
                }

                var changes = new Dictionary<string, FieldChange>();
                Change.Track(changes, "listPrice", s.ListPrice, to, v => s.ListPrice = v);
                AppliedApprovals.Remember(s.AppliedApprovals, action.ApprovalId);
                s.UpdatedAt = DateTime.UtcNow;
                await WriteAsync([Event("unit.updated", new { id = Key, s.ProjectId, s.Code, approvalId = action.ApprovalId }, changes)]);
                return ApprovalOutcome.Done;

            default:
                return ApprovalOutcome.Refused($"A unit does not apply '{action.Action}'.");
        }
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

        var actor = CallerContext.ActorId;
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

    public Task ReceiveReminder(string reminderName, TickStatus status) => HandleOnceAsync(reminderName, () => OnReminderAsync(reminderName));

    private async Task OnReminderAsync(string reminderName)
    {
        // The reminder fires on or after the end the hold had when it was set; a reminder of an earlier hold (or of
        // a hold already released, reserved or shortened away) names another hold id and changes nothing.
        var s = state.State;
        if (state.RecordExists && s.Status == UnitStatus.OnHold && reminderName == HoldReminderPrefix + s.HoldId)
        {
            if (s.HoldExpiresAt is { } end && end > s.HoldReminderAt)
            {
                // Extended since the reminder was set: it moves to the new end (HandleOnceAsync keeps a reminder its
                // handler moved), before the state says so, as when a hold begins.
                await RemindOnceAsync(reminderName, end - DateTime.UtcNow);
                s.HoldReminderAt = end;
                await WriteAsync([]);
                return;
            }

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

    /// <summary>
    /// A unit is held, reserved or sold only for a deal or lead of this tenant that exists: asked of that record's grain,
    /// after the unit's own rules, so that a request the unit refuses anyway (the busy unit of a rush) costs nothing more.
    /// A unit already held by the holder was checked when the hold began.
    /// </summary>
    private async Task EnsureHolderExistsAsync(UnitHolder holder)
    {
        if (state.State.HeldBy != holder && !await HolderExistsAsync(holder))
        {
            throw holder.Type == HolderType.Deal
                ? DomainException.Invalid("dealId", "No such deal in this tenant.")
                : DomainException.Invalid("leadId", "No such lead in this tenant.");
        }
    }

    private async Task<bool> HolderExistsAsync(UnitHolder holder)
    {
        try
        {
            _ = holder.Type == HolderType.Deal
                ? (object)await GrainFactory.GetGrain<IDealGrain>(TenantId, holder.Id).GetAsync()
                : await GrainFactory.GetGrain<ILeadGrain>(TenantId, holder.Id).GetAsync();
            return true;
        }
        catch (DomainException exception) when (exception.Kind == DomainErrorKind.NotFound)
        {
            return false;
        }
    }

    private bool MayReserve(UnitHolder deal) => state.State.Status == UnitStatus.Available || (state.State.Status == UnitStatus.OnHold && state.State.HeldBy == deal);

    private bool MaySell(UnitHolder deal) =>
        state.State.Status == UnitStatus.Available || (state.State.Status is UnitStatus.OnHold or UnitStatus.Reserved && state.State.HeldBy == deal);

    /// <summary>Reserves or sells, for a request (as its caller) or an approval (as its requester, noting the approval).</summary>
    private async Task CommitAsync(UnitStatus to, UnitHolder deal, string transition, Guid? approvalId, Guid? requestedBy)
    {
        var s = state.State;
        var endedHold = s.HoldId;
        s.FrozenPrice ??= s.ListPrice;
        var changes = Transition(to, deal, null, requestedBy);
        if (approvalId is { } id)
        {
            AppliedApprovals.Remember(state.State.AppliedApprovals, id);
        }

        await WriteAsync([Event("unit.status_changed", StatusData(transition, approvalId: approvalId), changes)]);
        await ForgetHoldReminderAsync(endedHold);
    }

    private ApprovalSubject Subject => new("unit", Key);

    private object DealInput(Guid dealId)
    {
        var s = state.State;
        var price = s.FrozenPrice ?? s.ListPrice;
        return new { unitId = Key, s.ProjectId, s.TypeCode, currency = price.Currency, dealId, price = price.Amount };
    }

    private object PriceChangeInput(Money listPrice)
    {
        var s = state.State;
        decimal? changePercent = s.ListPrice.Amount == 0 || s.ListPrice.Currency != listPrice.Currency
            ? null
            : decimal.Round((listPrice.Amount - s.ListPrice.Amount) / s.ListPrice.Amount * 100, 2);
        return new { unitId = Key, s.ProjectId, s.TypeCode, currency = listPrice.Currency, previousPrice = s.ListPrice.Amount, listPrice = listPrice.Amount, changePercent };
    }

    private static UnitState Clone(UnitState s) =>
        System.Text.Json.JsonSerializer.Deserialize<UnitState>(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(s, GrainJson.Options), GrainJson.Options)!;

    private Dictionary<string, FieldChange> Transition(UnitStatus to, UnitHolder? holder, DateTime? holdExpiresAt, Guid? byUser = null)
    {
        var s = state.State;
        _formerHolderUserId = s.HeldByUserId;
        _formerStatus = s.Status;
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
        s.HeldByUserId = holder is null ? null : byUser ?? CallerContext.ActorId ?? s.HeldByUserId;
        s.HoldExpiresAt = holdExpiresAt;
        s.HoldId = null;
        s.HoldReminderAt = null;
        s.StatusChangedAt = now;
        s.UpdatedAt = now;
        return changes;
    }

    private Task ForgetHoldReminderAsync(Guid? holdId) => holdId is null ? Task.CompletedTask : ForgetReminderAsync(HoldReminderPrefix + holdId);

    private static Dictionary<string, FieldChange> Apply(UnitState s, UnitDetails d)
    {
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
    private object StatusData(string transition, string? reason = null, Guid? approvalId = null)
    {
        var s = state.State;
        var ownerId = s.HeldByUserId ?? _formerHolderUserId;
        return new { id = Key, s.ProjectId, s.Code, s.TypeCode, s.Status, previousStatus = transition == "hold_extended" ? s.Status : _formerStatus, transition, s.HeldBy, s.HoldExpiresAt, s.FrozenPrice, s.ListPrice, reason, ownerId, approvalId };
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
            throw Absent("The unit");
        }
    }

    private UnitInfo Info()
    {
        var s = state.State;
        return new(Key, s.ProjectId, s.Code, s.TypeCode, s.Building, s.Floor, s.Dimensions, s.Components, s.ListPrice, s.Orientation, s.Geometry,
            s.Status, s.HeldBy, s.HeldByUserId, s.HoldExpiresAt, s.FrozenPrice, s.StatusChangedAt, s.CreatedAt, s.UpdatedAt, state.Version);
    }
}
