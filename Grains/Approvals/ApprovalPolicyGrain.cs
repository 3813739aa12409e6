using M3CoreCRM.Grains.Abstractions.Approvals;
using M3CoreCRM.Grains.Events;
using M3CoreCRM.Grains.Persistence;

namespace M3CoreCRM.Grains.Approvals;

/// <summary>A policy's stored state; the gate reads it straight from SQL by <see cref="Action"/>.</summary>
public sealed class ApprovalPolicyState : IOwnedRecordState
{
    public string Name { get; set; } = "";

    public string Action { get; set; } = "";

    public ApprovalCondition? Condition { get; set; }

    public IReadOnlyList<Guid> ApproverRoleIds { get; set; } = [];

    public IReadOnlyList<Guid> ApproverGroupIds { get; set; } = [];

    public IReadOnlyList<Guid> ApproverUserIds { get; set; } = [];

    public int Levels { get; set; } = 1;

    public int? ExpiresAfterMinutes { get; set; }

    public bool Deleted { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime UpdatedAt { get; set; }
}

[GrainType("approval-policy")]
public sealed class ApprovalPolicyGrain([PersistentState("approval_policies", CrmStorage.Name)] IPersistentState<ApprovalPolicyState> state)
    : OwnedRecordGrain<ApprovalPolicyState, ApprovalPolicyFields, ApprovalPolicyInfo>(state, "approval_policy"), IApprovalPolicyGrain
{
    protected override Dictionary<string, FieldChange> Apply(ApprovalPolicyFields f)
    {
        var s = State;
        var changes = new Dictionary<string, FieldChange>();
        Change.Track(changes, "name", s.Name, f.Name, v => s.Name = v);
        Change.Track(changes, "action", s.Action, f.Action, v => s.Action = v);
        Change.TrackShape(changes, "condition", s.Condition, f.Condition, v => s.Condition = v);
        Change.TrackShape(changes, "approverRoleIds", s.ApproverRoleIds, f.ApproverRoleIds, v => s.ApproverRoleIds = v);
        Change.TrackShape(changes, "approverGroupIds", s.ApproverGroupIds, f.ApproverGroupIds, v => s.ApproverGroupIds = v);
        Change.TrackShape(changes, "approverUserIds", s.ApproverUserIds, f.ApproverUserIds, v => s.ApproverUserIds = v);
        Change.Track(changes, "levels", s.Levels, f.Levels, v => s.Levels = v);
        Change.Track(changes, "expiresAfterMinutes", s.ExpiresAfterMinutes, f.ExpiresAfterMinutes, v => s.ExpiresAfterMinutes = v);
        return changes;
    }

    protected override object EventData() => new { id = Key, State.Name, State.Action };

    protected override ApprovalPolicyInfo Info()
    {
        var s = State;
        return new(Key, s.Name, s.Action, s.Condition, s.ApproverRoleIds, s.ApproverGroupIds, s.ApproverUserIds, s.Levels, s.ExpiresAfterMinutes, s.CreatedAt, s.UpdatedAt, Version);
    }
}
