using M3CoreCRM.Grains.Abstractions.Events;
using M3CoreCRM.Grains.Abstractions.Notifications;
using Microsoft.Extensions.Logging;
using Orleans.Streams;
using Orleans.Streams.Core;

namespace M3CoreCRM.Grains.Notifications;

/// <summary>
/// The tenant's <see cref="INotificationDispatcherGrain"/>: an implicit subscriber of the tenant's live event stream,
/// so one per tenant in the cluster, activated by the tenant's first published events. Batches are queued as they
/// arrive and dispatched in order behind the stream's back (the stream never waits for notifications to be made).
/// A batch that does not follow the checkpoint (one was lost, or came before a restart) is dispatched from the log
/// instead; <see cref="NotificationSweep"/> asks for that too when a tenant's checkpoint lags its log.
/// </summary>
[ImplicitStreamSubscription(EventStreams.Namespace)]
[GrainType("notification-dispatcher")]
public sealed partial class NotificationDispatcherGrain(NotificationDispatcher dispatcher, ILogger<NotificationDispatcherGrain> logger)
    : Grain, INotificationDispatcherGrain, IStreamSubscriptionObserver
{
    private readonly Queue<IReadOnlyList<StoredEvent>> _published = new();
    private long? _checkpoint;
    private bool _catchUp;
    private Task _draining = Task.CompletedTask;

    private Guid TenantId => this.GetPrimaryKey();

    public Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory) =>
        handleFactory.Create<PublishedEvents>().ResumeAsync((published, _) =>
        {
            _published.Enqueue(published.Events);
            Drain();
            return Task.CompletedTask;
        });

    public Task CatchUpAsync()
    {
        _catchUp = true;
        Drain();
        return Task.CompletedTask;
    }

    private void Drain()
    {
        if (_draining.IsCompleted)
        {
            // Runs in this activation's turns, between the calls and deliveries that feed it.
            _draining = DrainAsync();
        }
    }

    private async Task DrainAsync()
    {
        try
        {
            _checkpoint ??= await dispatcher.CheckpointAsync(TenantId, CancellationToken.None);
            while (_catchUp || _published.Count > 0)
            {
                if (_catchUp)
                {
                    _catchUp = false;
                    _checkpoint = await dispatcher.DispatchAsync(TenantId, _checkpoint.Value, CancellationToken.None);
                    continue;
                }

                var fresh = _published.Dequeue().Where(e => e.Sequence > _checkpoint).ToList();
                if (fresh.Count == 0)
                {
                    continue;
                }

                _checkpoint = fresh[0].Sequence == _checkpoint + 1
                    ? await dispatcher.DispatchAsync(TenantId, _checkpoint.Value, fresh, CancellationToken.None)
                    : await dispatcher.DispatchAsync(TenantId, _checkpoint.Value, CancellationToken.None);
            }
        }
        catch (Exception exception)
        {
            // The checkpoint in PostgreSQL has not moved past what failed; the sweep asks again.
            _checkpoint = null;
            LogDispatchFailed(logger, exception, TenantId);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dispatching notifications of tenant {TenantId} failed; the sweep will ask again")]
    private static partial void LogDispatchFailed(ILogger logger, Exception exception, Guid tenantId);
}
