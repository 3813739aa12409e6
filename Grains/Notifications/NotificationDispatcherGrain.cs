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
/// instead; <see cref="NotificationSweep"/> asks for that too when a tenant's checkpoint lags its log. The checkpoint
/// is saved at most once per <see cref="CheckpointDelay"/> and when the activation ends: dispatching again from an
/// older one creates nothing twice, and a write per batch would cost every tenant a transaction per write.
/// </summary>
[ImplicitStreamSubscription(EventStreams.Namespace)]
[GrainType("notification-dispatcher")]
public sealed partial class NotificationDispatcherGrain(NotificationDispatcher dispatcher, ILogger<NotificationDispatcherGrain> logger)
    : Grain, INotificationDispatcherGrain, IStreamSubscriptionObserver
{
    public static readonly TimeSpan CheckpointDelay = TimeSpan.FromSeconds(1);

    private readonly Queue<IReadOnlyList<StoredEvent>> _published = new();
    private long? _checkpoint;
    private long _saved;
    private IGrainTimer? _saving;
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
            if (_checkpoint is null)
            {
                _checkpoint = await dispatcher.CheckpointAsync(TenantId, CancellationToken.None);
                _saved = _checkpoint.Value;
            }

            while (_catchUp || _published.Count > 0)
            {
                if (_catchUp)
                {
                    _catchUp = false;
                    await CatchUpFromLogAsync();
                    continue;
                }

                var fresh = _published.Dequeue().Where(e => e.Sequence > _checkpoint).ToList();
                if (fresh.Count == 0)
                {
                    continue;
                }

                if (fresh[0].Sequence == _checkpoint + 1)
                {
                    _checkpoint = await dispatcher.DispatchAsync(TenantId, _checkpoint.Value, fresh, CancellationToken.None);
                    _saving ??= this.RegisterGrainTimer(SaveCheckpointAsync, CheckpointDelay, Timeout.InfiniteTimeSpan);
                }
                else
                {
                    await CatchUpFromLogAsync();
                }
            }
        }
        catch (Exception exception)
        {
            // The checkpoint in PostgreSQL has not moved past what failed; the sweep asks again.
            _checkpoint = null;
            LogDispatchFailed(logger, exception, TenantId);
        }
    }

    /// <summary>Dispatches what the log has past the checkpoint; the dispatcher saves the checkpoint if it moved.</summary>
    private async Task CatchUpFromLogAsync()
    {
        var before = _checkpoint!.Value;
        _checkpoint = await dispatcher.DispatchAsync(TenantId, before, CancellationToken.None);
        if (_checkpoint > before)
        {
            _saved = Math.Max(_saved, _checkpoint.Value);
        }
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        await SaveCheckpointAsync(cancellationToken);
        await base.OnDeactivateAsync(reason, cancellationToken);
    }

    private async Task SaveCheckpointAsync(CancellationToken cancellationToken)
    {
        _saving?.Dispose();
        _saving = null;
        if (_checkpoint is { } checkpoint && checkpoint > _saved)
        {
            try
            {
                await dispatcher.SaveCheckpointAsync(TenantId, checkpoint, cancellationToken);
                _saved = checkpoint;
            }
            catch (Exception exception)
            {
                // Dispatched again later from the older checkpoint, creating nothing twice.
                LogCheckpointFailed(logger, exception, TenantId);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Saving the notification checkpoint of tenant {TenantId} failed")]
    private static partial void LogCheckpointFailed(ILogger logger, Exception exception, Guid tenantId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dispatching notifications of tenant {TenantId} failed; the sweep will ask again")]
    private static partial void LogDispatchFailed(ILogger logger, Exception exception, Guid tenantId);
}
