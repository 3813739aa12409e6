using M3CoreCRM.Grains;
using M3CoreCRM.Grains.Abstractions.Events;
using M3CoreCRM.Grains.Abstractions.Tenancy;
using M3CoreCRM.Grains.Persistence;
using Orleans;
using Orleans.Concurrency;
using Orleans.Runtime;

namespace M3CoreCRM.Testing.Grains;

/// <summary>A persistent counter kept by the "crm" storage: the storage tests' and benchmarks' grain.</summary>
[Alias("crm.test.ICounterGrain")]
public interface ICounterGrain : IGrainWithGuidCompoundKey
{
    /// <summary>Adds one and writes the state; returns the new value.</summary>
    [Alias("Increment")]
    Task<long> IncrementAsync();

    /// <summary>Adds one, writes the state and appends a <c>counter.incremented</c> event in the same transaction.</summary>
    [Alias("IncrementWithEvent")]
    Task<long> IncrementWithEventAsync();

    [ReadOnly, Alias("Get")]
    Task<long> GetAsync();

    /// <summary>The stored version as this activation knows it.</summary>
    [ReadOnly, Alias("GetVersion")]
    Task<long> GetVersionAsync();

    /// <summary>Asks <paramref name="other"/> to bounce back here <paramref name="depth"/> times: a call chain that comes back (A → B → A).</summary>
    [Alias("Bounce")]
    Task<int> BounceAsync(Guid other, int depth);

    /// <summary>A one-shot reminder that adds one to <c>remindersFired</c> in the stored state.</summary>
    [Alias("SetReminder")]
    Task SetReminderAsync(TimeSpan dueTime);

    [ReadOnly, Alias("GetRemindersFired")]
    Task<int> GetRemindersFiredAsync();
}

public sealed class CounterState
{
    public long Value { get; set; }

    public int RemindersFired { get; set; }
}

[GrainType("test_counter")]
public sealed class CounterGrain([PersistentState(TestSchema.CounterTable, CrmStorage.Name)] IPersistentState<CounterState> state) : CrmGrain, ICounterGrain, IRemindable
{
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

    public async Task<int> BounceAsync(Guid other, int depth)
    {
        if (depth == 0)
        {
            return 0;
        }

        // The chain comes back here while this call waits: Orleans lets it in only when asked to.
        using var reentrant = RequestContext.AllowCallChainReentrancy();
        return 1 + await GrainFactory.GetGrain<ICounterGrain>(TenantId, other).BounceAsync(Key, depth - 1);
    }

    public Task SetReminderAsync(TimeSpan dueTime) => RemindOnceAsync("test", dueTime);

    public Task<int> GetRemindersFiredAsync() => Task.FromResult(state.State.RemindersFired);

    public Task ReceiveReminder(string reminderName, TickStatus status) => HandleOnceAsync(reminderName, async () =>
    {
        state.State.RemindersFired++;
        await state.WriteStateAsync();
    });
}
