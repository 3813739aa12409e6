namespace M3CoreCRM.Grains.Abstractions.Notifications;

/// <summary>
/// A tenant's notification dispatcher (key: the tenant id, as its live event stream's). It takes the tenant's
/// events from the stream as they are published and turns them into notifications, from its checkpoint, in order.
/// </summary>
public interface INotificationDispatcherGrain : IGrainWithGuidKey
{
    /// <summary>Starts dispatching whatever the log has past the checkpoint (for events the stream did not bring); returns at once.</summary>
    Task CatchUpAsync();
}
