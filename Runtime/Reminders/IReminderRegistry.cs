using M3CoreCRM.Runtime.Grains;

namespace M3CoreCRM.Runtime.Reminders;

/// <summary>A durable reminder row.</summary>
public sealed record ReminderEntry(GrainId GrainId, string Name, DateTimeOffset DueAt, TimeSpan? Period);

/// <summary>Where reminders are kept: they outlive activations and silo restarts.</summary>
public interface IReminderRegistry
{
    Task RegisterAsync(GrainId grainId, string name, DateTimeOffset dueAt, TimeSpan? period, CancellationToken cancellationToken);

    Task UnregisterAsync(GrainId grainId, string name, CancellationToken cancellationToken);

    /// <summary>Reminders due at or before <paramref name="now"/>, earliest first.</summary>
    Task<IReadOnlyList<ReminderEntry>> ReadDueAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// After a delivery: removes a one-shot reminder, or moves a periodic one to <paramref name="nextDueAt"/>;
    /// only if the row still has the due time that fired (a re-registration in between wins).
    /// </summary>
    Task CompleteAsync(ReminderEntry fired, DateTimeOffset? nextDueAt, CancellationToken cancellationToken);
}
