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

    /// <summary>For a click-to-call: the sides whose account of it is in.</summary>
    public List<CallAccountSource> Accounts { get; set; } = [];

    /// <summary>For a click-to-call: the agent's notes and the provider's summary, which make up the body together.</summary>
    public string? AgentNotes { get; set; }

    public string? ProviderSummary { get; set; }
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

        state.State = StateOf(activity);
        await state.WriteStateAsync([Created()]);
        return Info();
    }

    public async Task<ActivityInfo> RecordCallAsync(CallAccount account)
    {
        var a = account.Activity;
        if (a.Type != ActivityType.Call)
        {
            throw DomainException.Invalid("type", "Only a call is told of by its agent and its provider.");
        }

        if (!state.RecordExists)
        {
            state.State = StateOf(a);
            state.State.Accounts.Add(account.Source);
            TakeBody(account.Source, a.Body);
            await state.WriteStateAsync([Created()]);
            return Info();
        }

        var s = state.State;
        if (s.Accounts.Contains(account.Source))
        {
            return Info();
        }

        if (s.Type != ActivityType.Call || s.Subject != a.Subject || s.OwnerId != a.OwnerId)
        {
            throw new DomainException(DomainErrorKind.Conflict, "call_mismatch", "This call was logged for another agent or record.");
        }

        // The agent says what came of the call (interested, callback ...); the provider measured how long it lasted.
        var outcome = account.Source == CallAccountSource.Agent ? a.Outcome ?? s.Outcome : s.Outcome ?? a.Outcome;
        var duration = account.Source == CallAccountSource.Provider ? a.DurationSeconds ?? s.DurationSeconds : s.DurationSeconds ?? a.DurationSeconds;
        var changes = new Dictionary<string, FieldChange>();
        if (outcome != s.Outcome)
        {
            changes["outcome"] = new(s.Outcome, outcome);
        }

        if (duration != s.DurationSeconds)
        {
            changes["durationSeconds"] = new(s.DurationSeconds, duration);
        }

        s.Outcome = outcome;
        s.DurationSeconds = duration;
        s.Accounts.Add(account.Source);
        TakeBody(account.Source, a.Body);
        await state.WriteStateAsync([new GrainEvent("activity.updated", "activity", Key, EventData(), changes)]);
        return Info();
    }

    private void TakeBody(CallAccountSource source, string? body)
    {
        var s = state.State;
        if (source == CallAccountSource.Agent)
        {
            s.AgentNotes = body;
        }
        else
        {
            s.ProviderSummary = body;
        }

        var parts = new[] { s.AgentNotes, s.ProviderSummary }.Where(part => !string.IsNullOrWhiteSpace(part)).ToList();
        s.Body = parts.Count == 0 ? null : string.Join("\n\n", parts);
    }

    private static ActivityState StateOf(NewActivity a) => new()
    {
        Type = a.Type, Subject = a.Subject, At = a.At, DurationSeconds = a.DurationSeconds, Outcome = a.Outcome, Body = a.Body, OwnerId = a.OwnerId,
        CreatedAt = DateTime.UtcNow,
    };

    // The event lets live dashboards count a call however it was logged (by an agent's disposition, through the API,
    // or by the VOIP webhook); the body stays in the record.
    private GrainEvent Created() => new("activity.created", "activity", Key, EventData());

    private object EventData()
    {
        var s = state.State;
        return new { id = Key, s.Type, subjectType = s.Subject.Type, subjectId = s.Subject.Id, s.At, s.DurationSeconds, s.Outcome, s.OwnerId };
    }

    public Task<ActivityInfo> GetAsync() =>
        state.RecordExists ? Task.FromResult(Info()) : throw DomainException.NotFound("The activity");

    private ActivityInfo Info()
    {
        var s = state.State;
        return new ActivityInfo(Key, s.Type, s.Subject, s.At, s.DurationSeconds, s.Outcome, s.Body, s.OwnerId, s.CreatedAt);
    }
}
