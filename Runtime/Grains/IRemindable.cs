namespace M3CoreCRM.Runtime.Grains;

/// <summary>Implemented by grain classes that register durable reminders.</summary>
public interface IRemindable
{
    /// <summary>
    /// Called as a turn of the grain when a reminder is due: at least once, on or after its due
    /// time, also after a restart of the silo. Handlers must be idempotent.
    /// </summary>
    Task ReceiveReminderAsync(string reminderName, ReminderTick tick);
}

/// <summary>When the reminder was due, and when it actually fired.</summary>
public sealed record ReminderTick(DateTimeOffset DueAt, DateTimeOffset FiredAt, TimeSpan? Period);
