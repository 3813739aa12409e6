using System.Collections.Concurrent;
using M3CoreCRM.Runtime.Events;
using M3CoreCRM.Runtime.Grains;
using M3CoreCRM.Runtime.Persistence;

namespace M3CoreCRM.Testing.Grains;

/// <summary>A persistent counter: the runtime's test and benchmark grain.</summary>
public interface ICounterGrain : IGrain
{
    /// <summary>Adds one and writes the state; returns the new value.</summary>
    Task<long> IncrementAsync();

    /// <summary>Adds one, writes the state and appends a <c>counter.incremented</c> event in the same transaction.</summary>
    Task<long> IncrementWithEventAsync();

    [ReadOnly]
    Task<long> GetAsync();

    /// <summary>The stored version as this activation knows it.</summary>
    [ReadOnly]
    Task<long> GetVersionAsync();

    /// <summary>Read-only: registers its arrival and waits until <paramref name="parties"/> calls are inside at once.</summary>
    [ReadOnly]
    Task<int> MeetAsync(Guid rendezvous, int parties);

    /// <summary>State-changing: waits at the rendezvous, then calls <paramref name="other"/>.<see cref="PingAsync"/>.</summary>
    Task MeetThenPingAsync(Guid rendezvous, int parties, Guid other);

    /// <summary>Calls <paramref name="other"/>, which calls back here, <paramref name="depth"/> times over.</summary>
    Task<int> BounceAsync(Guid other, int depth);

    Task PingAsync();

    /// <summary>Starts, without awaiting it, a call to <paramref name="other"/> that waits at the rendezvous and then calls back here.</summary>
    Task StartDetachedCallBackAsync(Guid other, Guid rendezvous);

    /// <summary>Waits at the rendezvous, then calls <paramref name="caller"/>.<see cref="ProbeWritersInsideAsync"/> and records what it saw.</summary>
    Task CallBackAfterAsync(Guid caller, Guid rendezvous);

    /// <summary>A state-changing call that stays inside until the rendezvous is complete.</summary>
    Task HoldAsync(Guid rendezvous);

    /// <summary>A state-changing call that reports how many other state-changing calls are inside right now.</summary>
    Task<int> ProbeWritersInsideAsync();

    /// <summary>A timer whose ticks count and check that they never overlap.</summary>
    Task StartTickingAsync(TimeSpan period);

    [ReadOnly]
    Task<TickReport> GetTicksAsync();

    Task SetReminderAsync(TimeSpan dueTime);

    [ReadOnly]
    Task<int> GetRemindersFiredAsync();
}

public sealed record TickReport(int Ticks, int MaxConcurrent);

public sealed class CounterState
{
    public long Value { get; set; }

    public int RemindersFired { get; set; }
}

[GrainType("test_counter")]
public sealed class CounterGrain([PersistentState(TestSchema.CounterTable)] IPersistentState<CounterState> state) : Grain, ICounterGrain, IRemindable
{
    private int _ticks;
    private int _inTick;
    private int _maxInTick;
    private int _writersInside;

    /// <summary>Grain ids whose activation was retired, with the reason: lets tests see collection happen.</summary>
    public static ConcurrentDictionary<GrainId, DeactivationReason> Deactivated { get; } = new();

    public async Task<long> IncrementAsync()
    {
        state.State.Value++;
        await state.WriteStateAsync();
        return state.State.Value;
    }

    public async Task<long> IncrementWithEventAsync()
    {
        state.State.Value++;
        await state.WriteStateAsync([new GrainEvent("counter.incremented", "counter", Key, new { value = state.State.Value })]);
        return state.State.Value;
    }

    public Task<long> GetAsync() => Task.FromResult(state.State.Value);

    public Task<long> GetVersionAsync() => Task.FromResult(state.Version);

    public async Task<int> MeetAsync(Guid rendezvous, int parties) => await Rendezvous.ArriveAsync(rendezvous, parties);

    public async Task MeetThenPingAsync(Guid rendezvous, int parties, Guid other)
    {
        await Rendezvous.ArriveAsync(rendezvous, parties);
        await GrainFactory.GetGrain<ICounterGrain>(TenantId, other).PingAsync();
    }

    public async Task<int> BounceAsync(Guid other, int depth) =>
        depth == 0 ? 0 : 1 + await GrainFactory.GetGrain<ICounterGrain>(TenantId, other).BounceAsync(Key, depth - 1);

    public Task PingAsync() => Task.CompletedTask;

    /// <summary>What <see cref="CallBackAfterAsync"/> calls saw, by the grain they called back.</summary>
    public static ConcurrentDictionary<GrainId, int> ProbesSeen { get; } = new();

    public Task StartDetachedCallBackAsync(Guid other, Guid rendezvous)
    {
        _ = GrainFactory.GetGrain<ICounterGrain>(TenantId, other).CallBackAfterAsync(Key, rendezvous);
        return Task.CompletedTask;
    }

    public async Task CallBackAfterAsync(Guid caller, Guid rendezvous)
    {
        await Rendezvous.ArriveAsync(rendezvous, 2);
        var callerGrain = GrainFactory.GetGrain<ICounterGrain>(TenantId, caller);
        ProbesSeen[callerGrain.GetGrainId()] = await callerGrain.ProbeWritersInsideAsync();
    }

    public async Task HoldAsync(Guid rendezvous)
    {
        Interlocked.Increment(ref _writersInside);
        try
        {
            await Rendezvous.ArriveAsync(rendezvous, 2);
        }
        finally
        {
            Interlocked.Decrement(ref _writersInside);
        }
    }

    public Task<int> ProbeWritersInsideAsync() => Task.FromResult(Volatile.Read(ref _writersInside));

    public Task StartTickingAsync(TimeSpan period)
    {
        RegisterGrainTimer(
            async _ =>
            {
                var inside = Interlocked.Increment(ref _inTick);
                _maxInTick = Math.Max(_maxInTick, inside);
                await Task.Yield();
                _ticks++;
                Interlocked.Decrement(ref _inTick);
            },
            period,
            period);
        return Task.CompletedTask;
    }

    public Task<TickReport> GetTicksAsync() => Task.FromResult(new TickReport(_ticks, _maxInTick));

    public Task SetReminderAsync(TimeSpan dueTime) => RegisterOrUpdateReminderAsync("test", dueTime);

    public Task<int> GetRemindersFiredAsync() => Task.FromResult(state.State.RemindersFired);

    public async Task ReceiveReminderAsync(string reminderName, ReminderTick tick)
    {
        state.State.RemindersFired++;
        await state.WriteStateAsync();
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        Deactivated[GrainId] = reason;
        return Task.CompletedTask;
    }
}

/// <summary>Lets concurrent calls in a test wait for each other: each arrival waits until all parties are in.</summary>
public static class Rendezvous
{
    private static readonly ConcurrentDictionary<Guid, (TaskCompletionSource AllIn, int[] Count)> Meetings = new();

    /// <summary>Returns how many had arrived when this caller did; completes when <paramref name="parties"/> have arrived.</summary>
    public static async Task<int> ArriveAsync(Guid meeting, int parties)
    {
        var (allIn, count) = Meetings.GetOrAdd(meeting, _ => (new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), new int[1]));
        var arrived = Interlocked.Increment(ref count[0]);
        if (arrived >= parties)
        {
            allIn.TrySetResult();
        }

        await allIn.Task;
        return arrived;
    }
}
