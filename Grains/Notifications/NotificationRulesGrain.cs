using M3CoreCRM.Grains.Abstractions.Notifications;
using M3CoreCRM.Grains.Events;
using M3CoreCRM.Grains.Persistence;

namespace M3CoreCRM.Grains.Notifications;

public sealed class NotificationRulesState
{
    public IReadOnlyList<NotificationRule> Rules { get; set; } = [];
}

[GrainType("notification-rules")]
public sealed class NotificationRulesGrain([PersistentState("notification_rules", CrmStorage.Name)] IPersistentState<NotificationRulesState> state) : CrmGrain, INotificationRulesGrain
{
    public Task<NotificationRules> GetAsync() => Task.FromResult(Current());

    public async Task<NotificationRules> ReplaceAsync(IReadOnlyList<NotificationRule> rules, long? expectedVersion)
    {
        Concurrency.Check(state.Version, expectedVersion);
        var before = Current().Rules;
        state.State.Rules = rules;
        await state.WriteStateAsync([new GrainEvent("notification_rules.updated", "notification_rules", Key, new { count = rules.Count }, new Dictionary<string, FieldChange>
        {
            ["rules"] = new(before, rules),
        })]);
        return Current();
    }

    private NotificationRules Current() => state.RecordExists
        ? new NotificationRules(state.State.Rules, false, state.Version)
        : new NotificationRules(NotifiableEvents.Defaults, true, 0);
}
