using M3CoreCRM.Grains.Abstractions.Approvals;
using M3CoreCRM.Grains.Abstractions.Common;
using M3CoreCRM.Grains.Abstractions.Deals;
using M3CoreCRM.Grains.Approvals;
using M3CoreCRM.Grains.Events;
using M3CoreCRM.Grains.Persistence;

namespace M3CoreCRM.Grains.Deals;

public sealed class DealState
{
    public string Title { get; set; } = "";

    public Guid PipelineId { get; set; }

    public Guid StageId { get; set; }

    public Money Value { get; set; } = new(0, "USD");

    public Guid? ContactId { get; set; }

    public Guid? CompanyId { get; set; }

    public Guid? LeadId { get; set; }

    public IReadOnlyList<Guid> UnitIds { get; set; } = [];

    public Guid OwnerId { get; set; }

    public DateTime? ExpectedCloseAt { get; set; }

    public decimal DiscountPercent { get; set; }

    public DealStatus Status { get; set; }

    public string? ClosedReason { get; set; }

    public DateTime? ClosedAt { get; set; }

    public bool Deleted { get; set; }

    /// <summary>The latest approvals applied here, so that an approval finished twice (after a crash) applies once.</summary>
    public List<Guid> AppliedApprovals { get; set; } = [];

    public DateTime CreatedAt { get; set; }

    public DateTime UpdatedAt { get; set; }
}

[GrainType("deal")]
public sealed class DealGrain([PersistentState("deals", CrmStorage.Name)] IPersistentState<DealState> state, ApprovalGate approvals) : CrmGrain, IDealGrain
{
    public async Task<DealInfo> CreateAsync(DealFields fields)
    {
        if (state.RecordExists)
        {
            // The deal of a lead's conversion, created by an earlier attempt under the same derived id.
            if (fields.LeadId is { } leadId && state.State.LeadId == leadId)
            {
                return Info();
            }

            throw new DomainException(DomainErrorKind.Conflict, "deal_exists", "This deal already exists.");
        }

        if (fields.DiscountPercent != 0 && await approvals.MatchAsync(TenantId, ApprovalActions.DealDiscount, new
            {
                dealId = Key, fields.OwnerId, fields.PipelineId, value = fields.Value.Amount, currency = fields.Value.Currency, fields.DiscountPercent, previousDiscountPercent = 0m,
            }) is not null)
        {
            throw ApprovalGate.MixedChange("The discount", "create the deal without it, then ask for it with /discount.");
        }

        var now = DateTime.UtcNow;
        state.State = new DealState { Status = DealStatus.Open, CreatedAt = now, UpdatedAt = now };
        await WriteAsync("deal.created", Apply(state.State, fields));
        return Info();
    }

    public Task<DealInfo> GetAsync()
    {
        EnsureExists();
        return Task.FromResult(Info());
    }

    public async Task<DealInfo> UpdateAsync(DealFields fields, long? expectedVersion)
    {
        EnsureExists();
        Concurrency.Check(state.Version, expectedVersion);

        // Checked before anything is applied: a refused change must not linger in memory for the next write.
        if (state.State.Status != DealStatus.Open)
        {
            throw Closed();
        }

        if (fields.DiscountPercent != state.State.DiscountPercent)
        {
            throw DomainException.Invalid("discountPercent", "The discount changes only through /discount.");
        }

        var stageBefore = state.State.StageId;
        var changes = Apply(state.State, fields);
        if (changes.Count > 0)
        {
            state.State.UpdatedAt = DateTime.UtcNow;
            await WriteAsync(stageBefore != state.State.StageId ? "deal.stage_changed" : "deal.updated", changes);
        }

        return Info();
    }

    public async Task<DealInfo> MoveAsync(Guid stageId)
    {
        EnsureExists();
        var s = state.State;
        if (s.Status != DealStatus.Open)
        {
            throw Closed();
        }

        if (s.StageId != stageId)
        {
            var changes = new Dictionary<string, FieldChange> { ["stageId"] = new(s.StageId, stageId) };
            s.StageId = stageId;
            s.UpdatedAt = DateTime.UtcNow;
            await WriteAsync("deal.stage_changed", changes);
        }

        return Info();
    }

    public async Task<Gated<DealInfo>> WinAsync(string? reason)
    {
        EnsureOpen();
        var s = state.State;
        if (await approvals.MatchAsync(TenantId, ApprovalActions.DealWin, new { dealId = Key, s.OwnerId, s.PipelineId, value = s.Value.Amount, currency = s.Value.Currency, s.DiscountPercent, reason }) is { } match)
        {
            return Gated.Waiting<DealInfo>(await ApprovalGate.RequestAsync(GrainFactory, TenantId, match, Subject));
        }

        return Gated.Done(await CloseAsync(DealStatus.Won, reason, "deal.won"));
    }

    public Task<DealInfo> LoseAsync(string reason) => CloseAsync(DealStatus.Lost, reason, "deal.lost");

    public async Task<Gated<DealInfo>> DiscountAsync(decimal discountPercent)
    {
        EnsureOpen();
        var s = state.State;
        if (discountPercent != s.DiscountPercent && await approvals.MatchAsync(TenantId, ApprovalActions.DealDiscount, DiscountInput(s, discountPercent)) is { } match)
        {
            return Gated.Waiting<DealInfo>(await ApprovalGate.RequestAsync(GrainFactory, TenantId, match, Subject));
        }

        await SetDiscountAsync(discountPercent, null);
        return Gated.Done(Info());
    }

    public async Task<ApprovalOutcome> ApplyApprovedAsync(ApprovedAction action)
    {
        if (!state.RecordExists || state.State.Deleted)
        {
            return ApprovalOutcome.Refused("The deal no longer exists.");
        }

        var s = state.State;
        if (s.AppliedApprovals.Contains(action.ApprovalId))
        {
            return ApprovalOutcome.Done;
        }

        if (s.Status != DealStatus.Open)
        {
            return ApprovalOutcome.Refused(Closed().Message);
        }

        switch (action.Action)
        {
            case ApprovalActions.DealDiscount:
                await SetDiscountAsync(action.Input.GetProperty("discountPercent").GetDecimal(), action.ApprovalId);
                return ApprovalOutcome.Done;
            case ApprovalActions.DealWin:
                var reason = action.Input.TryGetProperty("reason", out var given) && given.ValueKind == System.Text.Json.JsonValueKind.String ? given.GetString() : null;
                await CloseAsync(DealStatus.Won, reason, "deal.won", action.ApprovalId);
                return ApprovalOutcome.Done;
            default:
                return ApprovalOutcome.Refused($"A deal does not apply '{action.Action}'.");
        }
    }

    public async Task DeleteAsync(long? expectedVersion)
    {
        EnsureExists();
        Concurrency.Check(state.Version, expectedVersion);
        state.State.Deleted = true;
        state.State.UpdatedAt = DateTime.UtcNow;
        await WriteAsync("deal.deleted", new() { ["deleted"] = new(false, true) });
    }

    private async Task SetDiscountAsync(decimal discountPercent, Guid? approvalId)
    {
        var s = state.State;
        var changes = new Dictionary<string, FieldChange>();
        Change.Track(changes, "discountPercent", s.DiscountPercent, discountPercent, v => s.DiscountPercent = v);
        if (approvalId is { } id)
        {
            AppliedApprovals.Remember(state.State.AppliedApprovals, id);
        }

        if (changes.Count > 0 || approvalId is not null)
        {
            s.UpdatedAt = DateTime.UtcNow;
            await WriteAsync("deal.updated", changes, approvalId);
        }
    }

    private async Task<DealInfo> CloseAsync(DealStatus status, string? reason, string eventType, Guid? approvalId = null)
    {
        EnsureOpen();
        var s = state.State;
        if (approvalId is { } id)
        {
            AppliedApprovals.Remember(state.State.AppliedApprovals, id);
        }

        var now = DateTime.UtcNow;
        var changes = new Dictionary<string, FieldChange> { ["status"] = new(s.Status, status), ["closedReason"] = new(null, reason) };
        s.Status = status;
        s.ClosedReason = reason;
        s.ClosedAt = now;
        s.UpdatedAt = now;
        await WriteAsync(eventType, changes, approvalId);
        return Info();
    }

    private void EnsureOpen()
    {
        EnsureExists();
        if (state.State.Status != DealStatus.Open)
        {
            throw Closed();
        }
    }

    private ApprovalSubject Subject => new("deal", Key);

    private object DiscountInput(DealState s, decimal discountPercent) =>
        new { dealId = Key, s.OwnerId, s.PipelineId, value = s.Value.Amount, currency = s.Value.Currency, discountPercent, previousDiscountPercent = s.DiscountPercent };

    private static DomainException Closed() => new(DomainErrorKind.Conflict, "deal_closed", "The deal is already won or lost.");

    private static Dictionary<string, FieldChange> Apply(DealState s, DealFields f)
    {
        var changes = new Dictionary<string, FieldChange>();
        Change.Track(changes, "title", s.Title, f.Title, v => s.Title = v);
        Change.Track(changes, "pipelineId", s.PipelineId, f.PipelineId, v => s.PipelineId = v);
        Change.Track(changes, "stageId", s.StageId, f.StageId, v => s.StageId = v);
        Change.Track(changes, "value", s.Value, f.Value, v => s.Value = v);
        Change.Track(changes, "contactId", s.ContactId, f.ContactId, v => s.ContactId = v);
        Change.Track(changes, "companyId", s.CompanyId, f.CompanyId, v => s.CompanyId = v);
        Change.Track(changes, "leadId", s.LeadId, f.LeadId, v => s.LeadId = v);
        Change.TrackShape(changes, "unitIds", s.UnitIds, f.UnitIds, v => s.UnitIds = v);
        Change.Track(changes, "ownerId", s.OwnerId, f.OwnerId, v => s.OwnerId = v);
        Change.Track(changes, "expectedCloseAt", s.ExpectedCloseAt, f.ExpectedCloseAt, v => s.ExpectedCloseAt = v);
        Change.Track(changes, "discountPercent", s.DiscountPercent, f.DiscountPercent, v => s.DiscountPercent = v);
        return changes;
    }

    private Task WriteAsync(string eventType, Dictionary<string, FieldChange> changes, Guid? approvalId = null)
    {
        var s = state.State;

        // What it was before, so that a dashboard can move the deal between its figures without asking again.
        return state.WriteStateAsync([new GrainEvent(eventType, "deal", Key, new
        {
            id = Key, name = s.Title, s.Title, s.PipelineId, s.StageId, s.Status, s.Value, ownerId = s.OwnerId, s.ClosedReason, s.DiscountPercent, approvalId,
            previousStageId = changes.TryGetValue("stageId", out var stage) ? stage.Before : s.StageId,
            previousStatus = changes.TryGetValue("status", out var status) ? status.Before : s.Status,
            previousValue = changes.TryGetValue("value", out var value) ? value.Before : s.Value,
            previousOwnerId = changes.TryGetValue("ownerId", out var owner) ? owner.Before : s.OwnerId,
        }, changes)]);
    }

    private void EnsureExists()
    {
        if (!state.RecordExists || state.State.Deleted)
        {
            throw Absent("The deal");
        }
    }

    private DealInfo Info()
    {
        var s = state.State;
        return new DealInfo(Key, s.Title, s.PipelineId, s.StageId, s.Value, s.ContactId, s.CompanyId, s.LeadId, s.UnitIds, s.OwnerId, s.ExpectedCloseAt,
            s.DiscountPercent, s.Status, s.ClosedReason, s.ClosedAt, s.CreatedAt, s.UpdatedAt, state.Version);
    }
}
