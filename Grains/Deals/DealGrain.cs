using M3CoreCRM.Grains.Abstractions.Common;
using M3CoreCRM.Grains.Abstractions.Deals;
using M3CoreCRM.Runtime.Errors;
using M3CoreCRM.Runtime.Events;
using M3CoreCRM.Runtime.Grains;
using M3CoreCRM.Runtime.Persistence;

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

    public DateTime CreatedAt { get; set; }

    public DateTime UpdatedAt { get; set; }
}

[GrainType("deal")]
public sealed class DealGrain([PersistentState("deals")] IPersistentState<DealState> state) : Grain, IDealGrain
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

        var now = DateTime.UtcNow;
        state.State = new DealState { Status = DealStatus.Open, CreatedAt = now, UpdatedAt = now };
        await WriteAsync("deal.created", Apply(fields));
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

        var stageBefore = state.State.StageId;
        var changes = Apply(fields);
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

    public Task<DealInfo> WinAsync(string? reason) => CloseAsync(DealStatus.Won, reason, "deal.won");

    public Task<DealInfo> LoseAsync(string reason) => CloseAsync(DealStatus.Lost, reason, "deal.lost");

    public async Task DeleteAsync(long? expectedVersion)
    {
        EnsureExists();
        Concurrency.Check(state.Version, expectedVersion);
        state.State.Deleted = true;
        state.State.UpdatedAt = DateTime.UtcNow;
        await WriteAsync("deal.deleted", new() { ["deleted"] = new(false, true) });
    }

    private async Task<DealInfo> CloseAsync(DealStatus status, string? reason, string eventType)
    {
        EnsureExists();
        var s = state.State;
        if (s.Status != DealStatus.Open)
        {
            throw Closed();
        }

        var now = DateTime.UtcNow;
        var changes = new Dictionary<string, FieldChange> { ["status"] = new(s.Status, status), ["closedReason"] = new(null, reason) };
        s.Status = status;
        s.ClosedReason = reason;
        s.ClosedAt = now;
        s.UpdatedAt = now;
        await WriteAsync(eventType, changes);
        return Info();
    }

    private static DomainException Closed() => new(DomainErrorKind.Conflict, "deal_closed", "The deal is already won or lost.");

    private Dictionary<string, FieldChange> Apply(DealFields f)
    {
        var s = state.State;
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

    private Task WriteAsync(string eventType, Dictionary<string, FieldChange> changes)
    {
        var s = state.State;
        return state.WriteStateAsync([new GrainEvent(eventType, "deal", Key, new
        {
            id = Key, name = s.Title, s.Title, s.PipelineId, s.StageId, s.Status, s.Value, ownerId = s.OwnerId, s.ClosedReason,
        }, changes)]);
    }

    private void EnsureExists()
    {
        if (!state.RecordExists || state.State.Deleted)
        {
            throw DomainException.NotFound("The deal");
        }
    }

    private DealInfo Info()
    {
        var s = state.State;
        return new DealInfo(Key, s.Title, s.PipelineId, s.StageId, s.Value, s.ContactId, s.CompanyId, s.LeadId, s.UnitIds, s.OwnerId, s.ExpectedCloseAt,
            s.DiscountPercent, s.Status, s.ClosedReason, s.ClosedAt, s.CreatedAt, s.UpdatedAt, state.Version);
    }
}
