using System.Runtime.CompilerServices;
using M3CoreCRM.Grains.Events;

namespace M3CoreCRM.Grains.Persistence;

/// <summary>
/// The events a state write carries. Orleans' <see cref="IPersistentState{TState}"/> writes only state, so
/// a grain attaches its events to the state object it is about to write, and the "crm" storage takes them
/// off that object and commits them in the same transaction as the state (a transactional outbox).
/// </summary>
public static class PendingEvents
{
    private static readonly ConditionalWeakTable<object, List<GrainEvent>> Attached = new();

    /// <summary>The events attached to <paramref name="state"/>, detached: a write commits them once, or not at all.</summary>
    public static IReadOnlyList<GrainEvent> Take(object? state)
    {
        if (state is null || !Attached.TryGetValue(state, out var events))
        {
            return [];
        }

        Attached.Remove(state);
        return events;
    }

    internal static void Attach(object state, IReadOnlyList<GrainEvent> events)
    {
        // Writes Orleans coalesces into one carry the events of each.
        Attached.GetOrCreateValue(state).AddRange(events);
    }
}

/// <summary>What grains ask of their state beyond Orleans' own members.</summary>
public static class PersistentStateExtensions
{
    extension<TState>(IPersistentState<TState> state)
        where TState : class
    {
        /// <summary>The stored row's version (0 when no row exists): the ETag the "crm" storage keeps.</summary>
        public long Version => state.Etag is { } etag ? long.Parse(etag, System.Globalization.CultureInfo.InvariantCulture) : 0;

        /// <summary>
        /// Writes the state and appends <paramref name="events"/> to the tenant's event log and the audit log in the
        /// same transaction. Returns only after PostgreSQL committed. A failed write retires the activation, so the
        /// next call starts from what is stored.
        /// </summary>
        public Task WriteStateAsync(IReadOnlyList<GrainEvent> events)
        {
            if (events.Count > 0)
            {
                PendingEvents.Attach(state.State, events);
            }

            return state.WriteStateAsync();
        }
    }
}
