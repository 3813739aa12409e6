using M3CoreCRM.Runtime.Grains;

namespace M3CoreCRM.Runtime.Reminders;

/// <summary>Reminders in memory: for unit tests of grain logic only (they do not survive the process).</summary>
public sealed class MemoryReminderRegistry : IReminderRegistry
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(GrainId, string), ReminderEntry> _entries = [];

    public Task RegisterAsync(GrainId grainId, string name, TimeSpan dueIn, TimeSpan? period, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            _entries[(grainId, name)] = new ReminderEntry(grainId, name, DateTimeOffset.UtcNow + dueIn, period);
        }

        return Task.CompletedTask;
    }

    public Task UnregisterAsync(GrainId grainId, string name, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            _entries.Remove((grainId, name));
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<ReminderEntry>> ReadDueAsync(int limit, Guid? siloId, CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow;
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<ReminderEntry>>([.. _entries.Values.Where(e => e.DueAt <= now).OrderBy(e => e.DueAt).Take(limit)]);
        }
    }

    public Task CompleteAsync(ReminderEntry fired, DateTimeOffset? nextDueAt, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_entries.TryGetValue((fired.GrainId, fired.Name), out var current) && current.DueAt == fired.DueAt)
            {
                if (nextDueAt is { } next)
                {
                    _entries[(fired.GrainId, fired.Name)] = current with { DueAt = next };
                }
                else
                {
                    _entries.Remove((fired.GrainId, fired.Name));
                }
            }
        }

        return Task.CompletedTask;
    }
}
