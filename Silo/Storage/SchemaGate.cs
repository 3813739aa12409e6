using M3CoreCRM.Grains.Persistence;

namespace M3CoreCRM.Silo.Storage;

/// <summary>
/// Holds the silo's start until the migrations are applied (Orleans' reminder and membership tables are among
/// them), then moves the reminders of the runtime before Orleans over. The rest of the process does not wait:
/// the API answers <c>/health/live</c>, and 503 to work that needs the silo, while PostgreSQL is unreachable.
/// </summary>
internal sealed class SchemaGate(IStorageGate schema, LegacyReminderImport legacyReminders) : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(SchemaGate), ServiceLifecycleStage.RuntimeInitialize - 1, async cancellationToken =>
        {
            await schema.WhenReadyAsync(cancellationToken);
            await legacyReminders.RunAsync(cancellationToken);
        });
}
