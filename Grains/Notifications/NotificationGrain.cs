using M3CoreCRM.Grains.Abstractions.Identity;
using M3CoreCRM.Grains.Abstractions.Notifications;
using M3CoreCRM.Grains.Events;
using M3CoreCRM.Grains.Persistence;

namespace M3CoreCRM.Grains.Notifications;

public sealed class NotificationState
{
    public Guid RecipientId { get; set; }

    public NotificationChannel Channel { get; set; }

    public string EventType { get; set; } = "";

    public string EntityType { get; set; } = "";

    public Guid EntityId { get; set; }

    public long EventSequence { get; set; }

    public string Title { get; set; } = "";

    public string Body { get; set; } = "";

    public DateTime CreatedAt { get; set; }

    public DateTime? ReadAt { get; set; }

    public DateTime? DeliveredAt { get; set; }

    /// <summary>Why a message could not be delivered at all (the recipient has no address for the channel).</summary>
    public string? DeliveryFailure { get; set; }
}

[GrainType("notification")]
public sealed class NotificationGrain([PersistentState("notifications", CrmStorage.Name)] IPersistentState<NotificationState> state, INotificationOutbox outbox)
    : CrmGrain, INotificationGrain, IRemindable
{
    private const string DeliveryReminder = "deliver";

    public async Task<bool> CreateAsync(NewNotification notification)
    {
        if (state.RecordExists)
        {
            return false;
        }

        var now = DateTime.UtcNow;
        state.State = new NotificationState
        {
            RecipientId = notification.RecipientId,
            Channel = notification.Channel,
            EventType = notification.EventType,
            EntityType = notification.EntityType,
            EntityId = notification.EntityId,
            EventSequence = notification.EventSequence,
            Title = notification.Title,
            Body = notification.Body,
            CreatedAt = now,
        };

        if (notification.Channel == NotificationChannel.InApp)
        {
            var info = Info();
            await state.WriteStateAsync([new GrainEvent("notification.created", "notification", Key, new
            {
                info.Id, info.RecipientId, info.Channel, info.EventType, info.EntityType, info.EntityId, info.Title, info.Body, info.CreatedAt,
            })]);
        }
        else
        {
            // Registered before the write: if the write fails, the reminder finds no notification and ends.
            await RemindOnceAsync(DeliveryReminder, TimeSpan.Zero);
            await state.WriteStateAsync();
        }

        return true;
    }

    public async Task<NotificationInfo> MarkReadAsync(Guid readerId)
    {
        if (!state.RecordExists || state.State.RecipientId != readerId || state.State.Channel != NotificationChannel.InApp)
        {
            throw DomainException.NotFound("The notification");
        }

        if (state.State.ReadAt is null)
        {
            state.State.ReadAt = DateTime.UtcNow;
            await state.WriteStateAsync();
        }

        return Info();
    }

    /// <summary>
    /// Sends the message through its channel. A failed send throws, and the reminder fires again later;
    /// a send whose "delivered" write is lost is sent again (at least once, as providers' own retries are).
    /// </summary>
    public Task ReceiveReminder(string reminderName, TickStatus status) => HandleOnceAsync(reminderName, () => OnReminderAsync(reminderName));

    private async Task OnReminderAsync(string reminderName)
    {
        if (reminderName != DeliveryReminder || !state.RecordExists || state.State.DeliveredAt is not null || state.State.DeliveryFailure is not null)
        {
            return;
        }

        UserInfo? recipient;
        try
        {
            recipient = await GrainFactory.GetGrain<IUserGrain>(TenantId, state.State.RecipientId).GetAsync();
        }
        catch (DomainException exception) when (exception.Kind == DomainErrorKind.NotFound)
        {
            recipient = null;
        }

        var address = state.State.Channel == NotificationChannel.Email ? recipient?.Email : recipient?.Mobile;
        if (recipient is null || recipient.Status != UserStatus.Active)
        {
            state.State.DeliveryFailure = "no_recipient";
        }
        else if (string.IsNullOrEmpty(address))
        {
            state.State.DeliveryFailure = "no_address";
        }
        else
        {
            await outbox.SendAsync(MessageTemplates.Notification(TenantId, Key, ChannelName(state.State.Channel), address, state.State.Title, state.State.Body), CancellationToken.None);
            state.State.DeliveredAt = DateTime.UtcNow;
        }

        await state.WriteStateAsync();
    }

    private static string ChannelName(NotificationChannel channel) => channel switch
    {
        NotificationChannel.Email => "email",
        NotificationChannel.Sms => "sms",
        NotificationChannel.Whatsapp => "whatsapp",
        _ => "in_app",
    };

    private NotificationInfo Info()
    {
        var s = state.State;
        return new NotificationInfo(Key, s.RecipientId, s.Channel, s.EventType, s.EntityType, s.EntityId, s.Title, s.Body, s.CreatedAt, s.ReadAt, s.DeliveredAt, s.DeliveryFailure);
    }
}

public sealed class NotificationInboxState
{
    public DateTime? ReadAllAt { get; set; }
}

[GrainType("notification-inbox")]
public sealed class NotificationInboxGrain([PersistentState("notification_inboxes", CrmStorage.Name)] IPersistentState<NotificationInboxState> state) : CrmGrain, INotificationInboxGrain
{
    public async Task<DateTime> ReadAllAsync()
    {
        state.State.ReadAllAt = DateTime.UtcNow;
        await state.WriteStateAsync();
        return state.State.ReadAllAt.Value;
    }
}
