using M3CoreCRM.Runtime.Grains;

namespace M3CoreCRM.Runtime.Activations;

/// <summary>What a grain instance can ask of its activation.</summary>
internal interface IGrainContext
{
    GrainId GrainId { get; }

    IGrainFactory GrainFactory { get; }

    void DeactivateOnIdle(DeactivationReason reason);

    IDisposable RegisterTimer(Func<CancellationToken, Task> callback, TimeSpan dueTime, TimeSpan period);

    Task RegisterReminderAsync(string name, TimeSpan dueTime, TimeSpan? period);

    Task UnregisterReminderAsync(string name);
}
