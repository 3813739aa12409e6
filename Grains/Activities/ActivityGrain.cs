using M3CoreCRM.Grains.Abstractions.Activities;
using M3CoreCRM.Grains.Persistence;

namespace M3CoreCRM.Grains.Activities;

public sealed class ActivityState
{
    public ActivityType Type { get; set; }

    public ActivitySubject Subject { get; set; } = new("", Guid.Empty);

    public DateTime At { get; set; }

    public int? DurationSeconds { get; set; }

    public string? Outcome { get; set; }

    public string? Body { get; set; }

    public Guid OwnerId { get; set; }

    public DateTime CreatedAt { get; set; }
}

[GrainType("activity")]
public sealed class ActivityGrain([PersistentState("activities", CrmStorage.Name)] IPersistentState<ActivityState> state) : CrmGrain, IActivityGrain
{
    public async Task<ActivityInfo> CreateAsync(NewActivity activity)
    {
        if (state.RecordExists)
        {
            return Info();
        }

        state.State = new ActivityState
        {
            Type = activity.Type, Subject = activity.Subject, At = activity.At, DurationSeconds = activity.DurationSeconds,
            Outcome = activity.Outcome, Body = activity.Body, OwnerId = activity.OwnerId, CreatedAt = DateTime.UtcNow,
        };
        // The event lets live dashboards count a call however it was logged (by an agent's disposition, through the
        // API, or by the VOIP webhook); the body stays in the record.
        await state.WriteStateAsync([new GrainEvent("activity.created", "activity", Key, new
        {
            id = Key, activity.Type, subjectType = activity.Subject.Type, subjectId = activity.Subject.Id, activity.At, activity.DurationSeconds, activity.Outcome, activity.OwnerId,
        })]);
        return Info();
    }

    public Task<ActivityInfo> GetAsync() =>
        state.RecordExists ? Task.FromResult(Info()) : throw DomainException.NotFound("The activity");

    private ActivityInfo Info()
    {
        var s = state.State;
        return new ActivityInfo(Key, s.Type, s.Subject, s.At, s.DurationSeconds, s.Outcome, s.Body, s.OwnerId, s.CreatedAt);
    }
}
