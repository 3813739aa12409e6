
namespace M3CoreCRM.Grains.Abstractions.Notifications;

/// <summary>A notification to create, from the event that caused it.</summary>
[GenerateSerializer, Immutable, Alias("crm.NewNotification")]
public sealed record NewNotification(
    [property: Id(0)] Guid RecipientId, [property: Id(1)] NotificationChannel Channel, [property: Id(2)] string EventType, [property: Id(3)] string EntityType, [property: Id(4)] Guid EntityId, [property: Id(5)] long EventSequence, [property: Id(6)] string Title, [property: Id(7)] string Body);

[GenerateSerializer, Immutable, Alias("crm.NotificationInfo")]
public sealed record NotificationInfo(
    [property: Id(0)] Guid Id, [property: Id(1)] Guid RecipientId, [property: Id(2)] NotificationChannel Channel, [property: Id(3)] string EventType, [property: Id(4)] string EntityType, [property: Id(5)] Guid EntityId,
    [property: Id(6)] string Title, [property: Id(7)] string Body, [property: Id(8)] DateTime CreatedAt, [property: Id(9)] DateTime? ReadAt, [property: Id(10)] DateTime? DeliveredAt, [property: Id(11)] string? DeliveryFailure);

/// <summary>
/// One notification to one person through one channel. Its id is derived from the causing event, the
/// recipient and the channel, so creating it again is a no-op. An in-app one raises
/// <c>notification.created</c> (streamed to its recipient only); the others are delivered through their
/// channel by a reminder that retries until the delivery is recorded. Key: the notification id.
/// </summary>
[Alias("crm.INotificationGrain")]
public interface INotificationGrain : IGrainWithGuidCompoundKey
{
    /// <summary>False when it already existed (nothing changes).</summary>
    [Alias("Create")]
    Task<bool> CreateAsync(NewNotification notification);

    /// <summary>Marks it read; 404 for anyone but its recipient.</summary>
    [Alias("MarkRead")]
    Task<NotificationInfo> MarkReadAsync(Guid readerId);
}

/// <summary>A user's notification centre (key: the user id): the "read all" mark.</summary>
[Alias("crm.INotificationInboxGrain")]
public interface INotificationInboxGrain : IGrainWithGuidCompoundKey
{
    /// <summary>Everything created up to now counts as read; returns the mark.</summary>
    [Alias("ReadAll")]
    Task<DateTime> ReadAllAsync();
}
