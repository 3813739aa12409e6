
namespace M3CoreCRM.Grains.Abstractions.Notifications;

/// <summary>How a notification reaches a person.</summary>
[GenerateSerializer, Alias("crm.NotificationChannel")]
public enum NotificationChannel
{
    InApp,
    Email,
    Sms,
    Whatsapp,
}

/// <summary>
/// Who an event notifies, named by their part in the record: its owner, its assignee, the approvers or
/// the requester of an approval. Each is read from the event's data (<c>ownerId</c>, <c>assigneeId</c>,
/// <c>approverIds</c>, <c>requesterId</c>).
/// </summary>
[GenerateSerializer, Alias("crm.NotificationRecipient")]
public enum NotificationRecipient
{
    Owner,
    Assignee,
    Approvers,
    Requester,
}

/// <summary>For one event type: through which channels, and to whom (by part in the record, and every active member of the roles).</summary>
[GenerateSerializer, Immutable, Alias("crm.NotificationRule")]
public sealed record NotificationRule([property: Id(0)] string EventType, [property: Id(1)] IReadOnlyList<NotificationChannel> Channels, [property: Id(2)] IReadOnlyList<NotificationRecipient> Recipients, [property: Id(3)] IReadOnlyList<Guid> RoleIds);

/// <summary>A tenant's rules; <paramref name="IsDefault"/> while the tenant has saved none.</summary>
[GenerateSerializer, Immutable, Alias("crm.NotificationRules")]
public sealed record NotificationRules([property: Id(0)] IReadOnlyList<NotificationRule> Rules, [property: Id(1)] bool IsDefault, [property: Id(2)] long Version);

/// <summary>The event types a rule may name: those of the contract that concern people.</summary>
public static class NotifiableEvents
{
    public static IReadOnlyList<string> Types { get; } =
    [
        "lead.created", "lead.updated", "lead.assigned", "deal.created", "deal.stage_changed", "deal.won", "deal.lost",
        "unit.status_changed", "approval.requested", "approval.decided", "task.due", "call.logged",
    ];

    /// <summary>What a tenant gets until it saves rules of its own: people hear about what is theirs to act on.</summary>
    public static IReadOnlyList<NotificationRule> Defaults { get; } =
    [
        new("lead.assigned", [NotificationChannel.InApp], [NotificationRecipient.Assignee], []),
        new("deal.won", [NotificationChannel.InApp], [NotificationRecipient.Owner], []),
        new("deal.lost", [NotificationChannel.InApp], [NotificationRecipient.Owner], []),
        new("unit.status_changed", [NotificationChannel.InApp], [NotificationRecipient.Owner], []),
        new("approval.requested", [NotificationChannel.InApp, NotificationChannel.Email], [NotificationRecipient.Approvers], []),
        new("approval.decided", [NotificationChannel.InApp], [NotificationRecipient.Requester], []),
        new("task.due", [NotificationChannel.InApp], [NotificationRecipient.Assignee], []),
    ];
}

/// <summary>A tenant's notification rules (key: the tenant id).</summary>
[Alias("crm.INotificationRulesGrain")]
public interface INotificationRulesGrain : IGrainWithGuidCompoundKey
{
    [ReadOnly, Alias("Get")]
    Task<NotificationRules> GetAsync();

    /// <summary>Replaces every rule at once; 412 <c>version_mismatch</c> when <paramref name="expectedVersion"/> is stale.</summary>
    [Alias("Replace")]
    Task<NotificationRules> ReplaceAsync(IReadOnlyList<NotificationRule> rules, long? expectedVersion);
}
