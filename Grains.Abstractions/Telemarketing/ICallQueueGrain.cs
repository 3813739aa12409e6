using M3CoreCRM.Grains.Abstractions.Leads;

namespace M3CoreCRM.Grains.Abstractions.Telemarketing;

/// <summary>Which leads a queue calls: any of the statuses, any of the sources, any of the tags (an empty list: any).</summary>
[GenerateSerializer, Immutable, Alias("crm.CallQueueFilter")]
public sealed record CallQueueFilter([property: Id(0)] IReadOnlyList<string> Statuses, [property: Id(1)] IReadOnlyList<string> Sources, [property: Id(2)] IReadOnlyList<string> Tags);

/// <summary>A queue works the leads of <paramref name="GroupId"/>: those assigned to the group and those its members own.</summary>
[GenerateSerializer, Immutable, Alias("crm.CallQueueFields")]
public sealed record CallQueueFields([property: Id(0)] string Name, [property: Id(1)] Guid GroupId, [property: Id(2)] CallQueueFilter Filter, [property: Id(3)] int RetryAfterMinutes, [property: Id(4)] int MaxAttempts);

[GenerateSerializer, Immutable, Alias("crm.CallQueueInfo")]
public sealed record CallQueueInfo([property: Id(0)] Guid Id, [property: Id(1)] string Name, [property: Id(2)] Guid GroupId, [property: Id(3)] CallQueueFilter Filter, [property: Id(4)] int RetryAfterMinutes, [property: Id(5)] int MaxAttempts, [property: Id(6)] DateTime CreatedAt, [property: Id(7)] long Version);

/// <summary>
/// A telemarketing call queue of one group (key: the queue id). <see cref="NextAsync"/> hands the calling agent the
/// next due lead of the queue (due retries and callbacks first, then leads never called) and locks it to them; the queue hands out one lead at a time and each
/// lead's own grain refuses a second lock, so no lead goes to two agents at once, whatever the concurrency.
/// </summary>
[Alias("crm.ICallQueueGrain")]
public interface ICallQueueGrain : IGrainWithGuidCompoundKey
{
    [Alias("Create")]
    Task<CallQueueInfo> CreateAsync(CallQueueFields fields);

    [ReadOnly, Alias("Get")]
    Task<CallQueueInfo> GetAsync();

    [Alias("Update")]
    Task<CallQueueInfo> UpdateAsync(CallQueueFields fields, long? expectedVersion);

    /// <summary>The lead now locked to <paramref name="agentId"/> for <paramref name="lockMinutes"/>; null when none is due.</summary>
    [Alias("Next")]
    Task<LeadInfo?> NextAsync(Guid agentId, int lockMinutes);
}
