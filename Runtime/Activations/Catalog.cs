using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using M3CoreCRM.Runtime.Diagnostics;
using M3CoreCRM.Runtime.Errors;
using M3CoreCRM.Runtime.Grains;
using M3CoreCRM.Runtime.Hosting;
using M3CoreCRM.Runtime.Persistence;
using M3CoreCRM.Runtime.Reminders;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace M3CoreCRM.Runtime.Activations;

/// <summary>
/// The silo's activations: created on first call, found by grain id, retired when idle or when
/// the silo holds too many. Every call passes through here and gets its timeout.
/// </summary>
internal sealed class Catalog : IGrainCallRouter, IDisposable
{
    private readonly ConcurrentDictionary<GrainId, Activation> _activations = new();
    private readonly GrainTypeRegistry _registry;
    private readonly Meter _meter;
    private readonly SemaphoreSlim _overCapacity = new(0, 1);
    private readonly IWriteFence _ownership;
    private IGrainFactory? _grainFactory;

    public Catalog(
        GrainTypeRegistry registry,
        IServiceProvider services,
        IGrainStorage storage,
        IReminderRegistry reminders,
        IWriteFence ownership,
        IOptions<GrainRuntimeOptions> options,
        IMeterFactory meterFactory,
        ILogger<Catalog> logger)
    {
        _registry = registry;
        Services = services;
        Storage = storage;
        Reminders = reminders;
        Options = options.Value;
        Logger = logger;
        _ownership = ownership;
        ownership.RetireTenant = RetireTenantAsync;
        _meter = RuntimeMetrics.ObserveCatalog(meterFactory, () => _activations.Count, () => _activations.Values.Sum(a => (long)a.QueueLength));
    }

    public IServiceProvider Services { get; }

    public IGrainStorage Storage { get; }

    public IReminderRegistry Reminders { get; }

    public GrainRuntimeOptions Options { get; }

    public ILogger Logger { get; }

    public IGrainFactory GrainFactory => _grainFactory ??= Services.GetRequiredService<IGrainFactory>();

    public int Count => _activations.Count;

    /// <summary>Completes when the silo holds more activations than its bound, so the collector runs at once.</summary>
    public Task WaitForOverCapacityAsync(TimeSpan timeout, CancellationToken cancellationToken) => _overCapacity.WaitAsync(timeout, cancellationToken);

    public Task<TResult> InvokeAsync<TResult>(GrainId grainId, MethodDispatcher<TResult> method, object?[] arguments)
    {
        RuntimeMetrics.Calls.Add(1);
        var started = Stopwatch.GetTimestamp();
        if (!_ownership.Owns(grainId.TenantId))
        {
            return InvokeOnceOwnedAsync(grainId, method, arguments, CallChain.Current, started);
        }

        var task = GetOrCreate(grainId).InvokeAsync(method, arguments, CallChain.Current);
        if (task is { IsCompleted: true })
        {
            RuntimeMetrics.RecordCall(grainId.Type, started);
            return task;
        }

        return AwaitAsync(task, grainId, method, arguments, CallChain.Current, started);
    }

    public IReadOnlyList<Activation> Snapshot() => [.. _activations.Values];

    // In a cluster: a tenant's grains activate only on the silo holding its lease.
    private async Task<TResult> InvokeOnceOwnedAsync<TResult>(GrainId grainId, MethodDispatcher<TResult> method, object?[] arguments, CallChain? chain, long started)
    {
        using (var timeout = new CancellationTokenSource(Options.CallTimeout))
        {
            await _ownership.EnsureOwnedAsync(grainId.TenantId, timeout.Token);
        }

        return await AwaitAsync(GetOrCreate(grainId).InvokeAsync(method, arguments, chain), grainId, method, arguments, chain, started);
    }

    // Retires the tenant's activations and waits (at most a call timeout) until they are gone.
    private async Task RetireTenantAsync(Guid tenantId)
    {
        var going = new List<Task>();
        foreach (var activation in _activations.Values.Where(a => a.GrainId.TenantId == tenantId))
        {
            activation.DeactivateOnIdle(DeactivationReason.OwnershipLost);
            going.Add(activation.Gone);
        }

        try
        {
            await Task.WhenAll(going).WaitAsync(Options.CallTimeout);
        }
        catch (TimeoutException)
        {
            // A turn that does not end in time keeps running; its writes are fenced by the lease it no longer holds.
        }
    }

    public bool IsActive(GrainId grainId) => _activations.ContainsKey(grainId);

    public void Remove(Activation activation) =>
        _activations.TryRemove(new KeyValuePair<GrainId, Activation>(activation.GrainId, activation));

    /// <summary>Retires every activation (for shutdown), waiting for running turns up to the call timeout.</summary>
    public async Task DeactivateAllAsync(CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(Options.CallTimeout.TotalSeconds * Stopwatch.Frequency);
        while (!_activations.IsEmpty && Stopwatch.GetTimestamp() < deadline && !cancellationToken.IsCancellationRequested)
        {
            var going = new List<Task>();
            foreach (var activation in _activations.Values)
            {
                activation.DeactivateOnIdle(DeactivationReason.ShuttingDown);
                going.Add(activation.Gone);
            }

            await Task.WhenAll(going).WaitAsync(Options.CallTimeout, cancellationToken).ConfigureAwait(false);
        }
    }

    public void Dispose()
    {
        _ownership.RetireTenant = null;
        _meter.Dispose();
        _overCapacity.Dispose();
    }

    // One deadline for the whole call, however many activations it had to try.
    private static TimeSpan Remaining(long started, TimeSpan timeout)
    {
        var left = timeout - Stopwatch.GetElapsedTime(started);
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }

    private Activation GetOrCreate(GrainId grainId)
    {
        if (_activations.TryGetValue(grainId, out var existing))
        {
            return existing;
        }

        var created = new Activation(this, _registry.ForTypeName(grainId.Type), grainId);
        var winner = _activations.GetOrAdd(grainId, created);
        if (ReferenceEquals(winner, created))
        {
            created.Start();
            if (_activations.Count > Options.MaxActivations && _overCapacity.CurrentCount == 0)
            {
                try
                {
                    _overCapacity.Release();
                }
                catch (SemaphoreFullException)
                {
                    // Already signalled.
                }
            }
        }

        return winner;
    }

    private async Task<TResult> AwaitAsync<TResult>(Task<TResult>? task, GrainId grainId, MethodDispatcher<TResult> method, object?[] arguments, CallChain? chain, long started)
    {
        var timeout = Options.CallTimeout;
        try
        {
            // A retiring activation takes no calls: wait until it has left, then go to the next one.
            while (task is null)
            {
                var retiring = _activations.TryGetValue(grainId, out var current) ? current : null;
                if (retiring is not null)
                {
                    await retiring.Gone.WaitAsync(Remaining(started, timeout));
                }

                task = GetOrCreate(grainId).InvokeAsync(method, arguments, chain);
            }

            return await task.WaitAsync(Remaining(started, timeout));
        }
        catch (TimeoutException exception) when (exception is not GrainCallTimeoutException)
        {
            // The wait gave up; if the call finished in that same moment, its own outcome stands (a result,
            // or its own error, such as a nested call's timeout), not a bare TimeoutException of the wait.
            if (task is { IsCompleted: true })
            {
                return await task;
            }

            throw new GrainCallTimeoutException(
                $"Call to {method.Name} on grain {grainId} did not complete within {timeout.TotalSeconds:0.###} s.");
        }
        finally
        {
            RuntimeMetrics.RecordCall(grainId.Type, started);
        }
    }
}
