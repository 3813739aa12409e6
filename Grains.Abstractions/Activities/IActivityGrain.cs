
namespace M3CoreCRM.Grains.Abstractions.Activities;

[GenerateSerializer, Alias("crm.ActivityType")]
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
[GenerateSerializer, Immutable, Alias("crm.ActivitySubject")]
public sealed record ActivitySubject([property: Id(0)] string Type, [property: Id(1)] Guid Id);

[GenerateSerializer, Immutable, Alias("crm.NewActivity")]
public sealed record NewActivity([property: Id(0)] ActivityType Type, [property: Id(1)] ActivitySubject Subject, [property: Id(2)] DateTime At, [property: Id(3)] int? DurationSeconds, [property: Id(4)] string? Outcome, [property: Id(5)] string? Body, [property: Id(6)] Guid OwnerId);

[GenerateSerializer, Immutable, Alias("crm.ActivityInfo")]
public sealed record ActivityInfo([property: Id(0)] Guid Id, [property: Id(1)] ActivityType Type, [property: Id(2)] ActivitySubject Subject, [property: Id(3)] DateTime At, [property: Id(4)] int? DurationSeconds, [property: Id(5)] string? Outcome, [property: Id(6)] string? Body, [property: Id(7)] Guid OwnerId, [property: Id(8)] DateTime CreatedAt);

/// <summary>Who tells of a click-to-call: the agent who placed it (their disposition) or the phone provider (its status callbacks).</summary>
[GenerateSerializer, Alias("crm.CallAccountSource")]
public enum CallAccountSource
{
    Agent,
    Provider,
}

/// <summary>One side's account of a click-to-call, as a call activity of its own would record it.</summary>
[GenerateSerializer, Immutable, Alias("crm.CallAccount")]
public sealed record CallAccount([property: Id(0)] CallAccountSource Source, [property: Id(1)] NewActivity Activity);

/// <summary>One logged activity (key: the activity id). Creating it again with the same id returns it unchanged.</summary>
[Alias("crm.IActivityGrain")]
public interface IActivityGrain : IGrainWithGuidCompoundKey
{
    [Alias("Create")]
    Task<ActivityInfo> CreateAsync(NewActivity activity);

    /// <summary>
    /// Records one side's account of a click-to-call in the call's one activity: the first account creates it
    /// (<c>activity.created</c>), the other completes it (<c>activity.updated</c>): the agent's disposition says what
    /// came of the call, the provider's report how long it lasted. An account given again changes nothing; one of
    /// another agent, subject or kind is 409 <c>call_mismatch</c>.
    /// </summary>
    [Alias("RecordCall")]
    Task<ActivityInfo> RecordCallAsync(CallAccount account);

    [ReadOnly, Alias("Get")]
    Task<ActivityInfo> GetAsync();
}
