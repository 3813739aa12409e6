using M3CoreCRM.Runtime.Grains;

namespace M3CoreCRM.Grains.Abstractions.Notifications;

/// <summary>A notification to create, from the event that caused it.</summary>
public sealed record NewNotification(
    Guid RecipientId, NotificationChannel Channel, string EventType, string EntityType, Guid EntityId, long EventSequence, string Title, string Body);

public sealed record NotificationInfo(
    Guid Id, Guid RecipientId, NotificationChannel Channel, string EventType, string EntityType, Guid EntityId,
    string Title, string Body, DateTime CreatedAt, DateTime? ReadAt, DateTime? DeliveredAt, string? DeliveryFailure);

/// <summary>
/// One notification to one person through one channel. Its id is derived from the causing event, the
/// recipient and the channel, so creating it again is a no-op. An in-app one raises
/// <c>notification.created</c> (streamed to its recipient only); the others are delivered through their
/// channel by a reminder that retries until the delivery is recorded. Key: the notification id.
/// </summary>
public interface INotificationGrain : IGrain
{
    /// <summary>False when it already existed (nothing changes).</summary>
    Task<bool> CreateAsync(NewNotification notification);

    /// <summary>Marks it read; 404 for anyone but its recipient.</summary>
    Task<NotificationInfo> MarkReadAsync(Guid readerId);
}

/// <summary>A user's notification centre (key: the user id): the "read all" mark.</summary>
public interface INotificationInboxGrain : IGrain
{
    /// <summary>Everything created up to now counts as read; returns the mark.</summary>
    Task<DateTime> ReadAllAsync();
}
