using M3CoreCRM.Runtime.Grains;

namespace M3CoreCRM.Grains.Abstractions.Activities;

public enum ActivityType
{
    Call,
    Meeting,
    Note,
    Email,
    Sms,
    Whatsapp,
    SiteVisit,
}

/// <summary>The record an activity is about.</summary>
public sealed record ActivitySubject(string Type, Guid Id);

public sealed record NewActivity(ActivityType Type, ActivitySubject Subject, DateTime At, int? DurationSeconds, string? Outcome, string? Body, Guid OwnerId);

public sealed record ActivityInfo(Guid Id, ActivityType Type, ActivitySubject Subject, DateTime At, int? DurationSeconds, string? Outcome, string? Body, Guid OwnerId, DateTime CreatedAt);

/// <summary>One logged activity (key: the activity id). Creating it again with the same id returns it unchanged.</summary>
public interface IActivityGrain : IGrain
{
    Task<ActivityInfo> CreateAsync(NewActivity activity);

    [ReadOnly]
    Task<ActivityInfo> GetAsync();
}
