using M3CoreCRM.Grains.Abstractions.Leads;
using M3CoreCRM.Runtime.Grains;

namespace M3CoreCRM.Grains.Abstractions.Telemarketing;

/// <summary>Which leads a queue calls: any of the statuses, any of the sources, any of the tags (an empty list: any).</summary>
public sealed record CallQueueFilter(IReadOnlyList<string> Statuses, IReadOnlyList<string> Sources, IReadOnlyList<string> Tags);

/// <summary>A queue works the leads of <paramref name="GroupId"/>: those assigned to the group and those its members own.</summary>
public sealed record CallQueueFields(string Name, Guid GroupId, CallQueueFilter Filter, int RetryAfterMinutes, int MaxAttempts);

public sealed record CallQueueInfo(Guid Id, string Name, Guid GroupId, CallQueueFilter Filter, int RetryAfterMinutes, int MaxAttempts, DateTime CreatedAt, long Version);

/// <summary>
/// A telemarketing call queue of one group (key: the queue id). <see cref="NextAsync"/> hands the calling agent the
/// next due lead of the queue (due retries and callbacks first, then leads never called) and locks it to them; the queue hands out one lead at a time and each
/// lead's own grain refuses a second lock, so no lead goes to two agents at once, whatever the concurrency.
/// </summary>
public interface ICallQueueGrain : IGrain
{
    Task<CallQueueInfo> CreateAsync(CallQueueFields fields);

    [ReadOnly]
    Task<CallQueueInfo> GetAsync();

    Task<CallQueueInfo> UpdateAsync(CallQueueFields fields, long? expectedVersion);

    /// <summary>The lead now locked to <paramref name="agentId"/> for <paramref name="lockMinutes"/>; null when none is due.</summary>
    Task<LeadInfo?> NextAsync(Guid agentId, int lockMinutes);
}
