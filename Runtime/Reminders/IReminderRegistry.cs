using M3CoreCRM.Runtime.Grains;

namespace M3CoreCRM.Runtime.Reminders;

/// <summary>A durable reminder row.</summary>
public sealed record ReminderEntry(GrainId GrainId, string Name, DateTimeOffset DueAt, TimeSpan? Period);

/// <summary>Where reminders are kept: they outlive activations and silo restarts.</summary>
public interface IReminderRegistry
{
    /// <summary>Registers (or replaces) the reminder, due <paramref name="dueIn"/> from now by the registry's clock.</summary>
    Task RegisterAsync(GrainId grainId, string name, TimeSpan dueIn, TimeSpan? period, CancellationToken cancellationToken);

    Task UnregisterAsync(GrainId grainId, string name, CancellationToken cancellationToken);

    /// <summary>
    /// Reminders due now by the registry's clock, earliest first (one clock for every silo, so none fires early).
    /// With <paramref name="siloId"/>: only those of tenants that silo holds the lease of, or that nobody holds.
    /// </summary>
    Task<IReadOnlyList<ReminderEntry>> ReadDueAsync(int limit, Guid? siloId, CancellationToken cancellationToken);

    /// <summary>
    /// After a delivery: removes a one-shot reminder, or moves a periodic one to <paramref name="nextDueAt"/>;
    /// only if the row still has the due time that fired (a re-registration in between wins).
    /// </summary>
    Task CompleteAsync(ReminderEntry fired, DateTimeOffset? nextDueAt, CancellationToken cancellationToken);
}
