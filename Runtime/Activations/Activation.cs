using M3CoreCRM.Runtime.Grains;
using M3CoreCRM.Runtime.Persistence;
using Microsoft.Extensions.Logging;

namespace M3CoreCRM.Runtime.Activations;

/// <summary>
/// One live grain instance and its turns. A request starts at once when the activation may take
/// it (no writer running and nobody queued; for a writer, nobody running at all), on the caller's
/// own thread; otherwise it waits in a FIFO queue and runs on the thread pool when its turn comes.
/// A turn lasts until the grain method's task completes, awaits included. Every turn has an id
/// that travels in the call chain of the calls it makes: a call whose chain names a turn still
/// running here re-enters (A → B → A) instead of waiting for the turn that waits for it. A
/// re-entrant call runs whatever its kind, even a state-changing call inside a read-only chain,
/// exactly as a call chain in Orleans would.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The lifetime token source is disposed when the activation is retired.")]
internal sealed partial class Activation : IGrainContext
{
    private readonly Lock _lock = new();
    private readonly Queue<Turn> _queue = new();
    private readonly HashSet<long> _running = [];
    private readonly Catalog _catalog;
    private readonly GrainClass _grainClass;
    private readonly TaskCompletionSource _gone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<GrainTimer> _timers = [];
    private readonly CancellationTokenSource _lifetime = new();
    private readonly long _activationTurn = CallChain.NextTurnId();

    private Status _status = Status.Activating;
    private int _readers;
    private bool _writer = true; // The activation itself is the first turn.
    private int _reentrant;
    private DeactivationReason? _deactivateWhenIdle;
    private Grain? _grain;
    private long _lastUsed = System.Diagnostics.Stopwatch.GetTimestamp();

    public Activation(Catalog catalog, GrainClass grainClass, GrainId grainId)
    {
        _catalog = catalog;
        _grainClass = grainClass;
        GrainId = grainId;
        _running.Add(_activationTurn);
    }

    private enum Status
    {
        Activating,
        Active,
        Deactivating,
        Gone,
    }

    public GrainId GrainId { get; }

    public IGrainFactory GrainFactory => _catalog.GrainFactory;

    /// <summary>Completes when the activation has been retired and left the catalog.</summary>
    public Task Gone => _gone.Task;

    public long LastUsed => Volatile.Read(ref _lastUsed);

    public int QueueLength
    {
        get
        {
            lock (_lock)
            {
                return _queue.Count;
            }
        }
    }

    /// <summary>Active, not on its way out.</summary>
    public bool IsLive
    {
        get
        {
            lock (_lock)
            {
                return _status <= Status.Active && _deactivateWhenIdle is null;
            }
        }
    }

    private bool IsIdleLocked => _status == Status.Active && !_writer && _readers == 0 && _reentrant == 0 && _queue.Count == 0;

    private bool NothingRunsLocked => !_writer && _readers == 0 && _reentrant == 0;

    public void Start() => ThreadPool.UnsafeQueueUserWorkItem(static activation => _ = activation.ActivateAsync(), this, preferLocal: false);

    /// <summary>
    /// Starts the call now if the activation may take it, else queues it. Null when the activation
    /// is being retired: the caller goes to the grain's next activation.
    /// </summary>
    public Task<TResult>? InvokeAsync<TResult>(MethodDispatcher<TResult> method, object?[] arguments, CallChain? chain)
    {
        var kind = method.IsReadOnly ? TurnKind.Reader : TurnKind.Writer;
        long turnId;
        Volatile.Write(ref _lastUsed, System.Diagnostics.Stopwatch.GetTimestamp());
        lock (_lock)
        {
            if (_status == Status.Gone)
            {
                return null;
            }

            if (chain is not null && _grain is not null && ChainIsRunningHereLocked(chain))
            {
                kind = TurnKind.Reentrant;
                _reentrant++;
            }
            else if (_status >= Status.Deactivating)
            {
                return null;
            }
            else if (!TryBeginLocked(kind))
            {
                var turn = new MethodTurn<TResult>(GrainId, method, arguments, chain, kind);
                _queue.Enqueue(turn);
                return turn.Task;
            }

            turnId = CallChain.NextTurnId();
            _running.Add(turnId);
        }

        var task = Execute(method, arguments, chain, turnId);
        if (task.IsCompleted)
        {
            EndTurn(kind, turnId);
            return task;
        }

        task.ContinueWith(
            static (_, state) =>
            {
                var (activation, kind, turnId) = ((Activation, TurnKind, long))state!;
                activation.EndTurn(kind, turnId);
            },
            (this, kind, turnId),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
        return task;
    }

    /// <summary>Runs the grain method as turn <paramref name="turnId"/>; its awaits carry the chain on.</summary>
    public Task<TResult> Execute<TResult>(MethodDispatcher<TResult> method, object?[] arguments, CallChain? chain, long turnId)
    {
        var previous = CallChain.Current;
        CallChain.Current = new CallChain(GrainId, turnId, chain);
        try
        {
            return method.Invoke(_grain!, arguments)
                ?? Task.FromException<TResult>(new InvalidOperationException($"{method.Name} returned no task."));
        }
        catch (Exception exception)
        {
            return Task.FromException<TResult>(exception);
        }
        finally
        {
            CallChain.Current = previous;
        }
    }

    public async Task ExecuteTimerTick(Func<CancellationToken, Task> callback, long turnId, CancellationToken cancellationToken)
    {
        CallChain.Current = new CallChain(GrainId, turnId, null);
        RequestContext.Current = null;
        try
        {
            await callback(cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogTimerFailed(_catalog.Logger, exception, GrainId);
        }
    }

    /// <summary>Runs a timer tick as a turn of its own; completes when the tick is done (or skipped because the activation is going).</summary>
    public Task RunTimerTickAsync(Func<CancellationToken, Task> callback, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_status >= Status.Deactivating)
            {
                return Task.CompletedTask;
            }

            var turn = new TimerTurn(callback, cancellationToken);
            if (!TryBeginLocked(TurnKind.Writer))
            {
                _queue.Enqueue(turn);
                return turn.Task;
            }

            var turnId = CallChain.NextTurnId();
            _running.Add(turnId);
            ThreadPool.UnsafeQueueUserWorkItem(static state => state.turn.Run(state.activation, state.turnId), (turn, activation: this, turnId), preferLocal: true);
            return turn.Task;
        }
    }

    public void EndTurn(TurnKind kind, long turnId)
    {
        List<(Turn, long)>? ready;
        DeactivationReason? retire = null;
        lock (_lock)
        {
            _running.Remove(turnId);
            switch (kind)
            {
                case TurnKind.Reader:
                    _readers--;
                    break;
                case TurnKind.Writer:
                    _writer = false;
                    break;
                default:
                    _reentrant--;
                    break;
            }

            if (_deactivateWhenIdle is { } reason && _status == Status.Active && NothingRunsLocked)
            {
                _status = Status.Deactivating;
                retire = reason;
            }

            ready = TakeRunnableLocked();
        }

        StartAll(ready);
        if (retire is { } why)
        {
            _ = DeactivateAsync(why);
        }
    }

    /// <summary>Retires the activation if nothing runs or waits; false when it is busy or already going.</summary>
    public bool TryDeactivate(DeactivationReason reason)
    {
        lock (_lock)
        {
            if (!IsIdleLocked || _deactivateWhenIdle is not null)
            {
                return false;
            }

            _status = Status.Deactivating;
        }

        _ = DeactivateAsync(reason);
        return true;
    }

    /// <summary>
    /// Retires the activation once its running turns end. From now on it starts nothing new:
    /// waiting and arriving requests go to the grain's next activation.
    /// </summary>
    public void DeactivateOnIdle(DeactivationReason reason)
    {
        var retireNow = false;
        lock (_lock)
        {
            _deactivateWhenIdle ??= reason;
            if (_status == Status.Active && NothingRunsLocked)
            {
                _status = Status.Deactivating;
                retireNow = true;
            }
        }

        if (retireNow)
        {
            _ = DeactivateAsync(reason);
        }
    }

    public IDisposable RegisterTimer(Func<CancellationToken, Task> callback, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new GrainTimer(this, callback, dueTime, period, _lifetime.Token);
        lock (_lock)
        {
            _timers.Add(timer);
        }

        timer.Start();
        return timer;
    }

    public Task RegisterReminderAsync(string name, TimeSpan dueTime, TimeSpan? period)
    {
        if (!_grainClass.IsRemindable)
        {
            throw new InvalidOperationException($"Grain class {_grainClass.ClassType.Name} registers a reminder but does not implement IRemindable.");
        }

        return _catalog.Reminders.RegisterAsync(GrainId, name, dueTime, period, CancellationToken.None);
    }

    public Task UnregisterReminderAsync(string name) => _catalog.Reminders.UnregisterAsync(GrainId, name, CancellationToken.None);

    private bool ChainIsRunningHereLocked(CallChain chain)
    {
        foreach (var turnId in chain.TurnsOf(GrainId))
        {
            if (_running.Contains(turnId))
            {
                return true;
            }
        }

        return false;
    }

    private bool TryBeginLocked(TurnKind kind)
    {
        if (_status != Status.Active || _deactivateWhenIdle is not null || _writer || _reentrant > 0 || _queue.Count > 0)
        {
            return false;
        }

        if (kind == TurnKind.Reader)
        {
            _readers++;
            return true;
        }

        if (_readers > 0)
        {
            return false;
        }

        _writer = true;
        return true;
    }

    // FIFO: consecutive readers at the head start together; a writer starts only when nothing runs.
    private List<(Turn, long)>? TakeRunnableLocked()
    {
        if (_status != Status.Active || _deactivateWhenIdle is not null)
        {
            return null;
        }

        List<(Turn, long)>? ready = null;
        while (_queue.TryPeek(out var next))
        {
            if (_writer || _reentrant > 0 || (next.Kind == TurnKind.Writer && _readers > 0))
            {
                break;
            }

            if (next.Kind == TurnKind.Reader)
            {
                _readers++;
            }
            else
            {
                _writer = true;
            }

            var turnId = CallChain.NextTurnId();
            _running.Add(turnId);
            (ready ??= []).Add((_queue.Dequeue(), turnId));
        }

        return ready;
    }

    private void StartAll(List<(Turn Turn, long TurnId)>? ready)
    {
        if (ready is null)
        {
            return;
        }

        foreach (var (turn, turnId) in ready)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static state => state.turn.Run(state.activation, state.turnId), (turn, activation: this, turnId), preferLocal: true);
        }
    }

    private async Task ActivateAsync()
    {
        // Calls that OnActivateAsync makes carry the activation's own turn, so calls back here re-enter.
        CallChain.Current = new CallChain(GrainId, _activationTurn, null);
        try
        {
            var states = _grainClass.States
                .Select(slot => PersistentStateFactory.Create(slot.StateType, slot.Table, GrainId, _catalog.Storage, () => DeactivateOnIdle(DeactivationReason.StateUnknown)))
                .ToArray();
            var grain = _grainClass.Create(_catalog.Services, states);
            grain.Attach(this);
            foreach (var state in states)
            {
                await state.LoadAsync();
            }

            _grain = grain;
            await grain.OnActivateAsync(_lifetime.Token);
        }
        catch (Exception exception)
        {
            List<Turn> waiting;
            lock (_lock)
            {
                _status = Status.Gone;
                _running.Clear();
                waiting = [.. _queue];
                _queue.Clear();
            }

            LogActivationFailed(_catalog.Logger, exception, GrainId);
            StopTimers();
            _catalog.Remove(this);
            _gone.TrySetResult();
            foreach (var turn in waiting)
            {
                turn.Fail(exception);
            }

            return;
        }

        List<(Turn, long)>? ready;
        DeactivationReason? retire = null;
        lock (_lock)
        {
            _running.Remove(_activationTurn);
            _status = Status.Active;
            _writer = false;
            if (_deactivateWhenIdle is { } reason && NothingRunsLocked)
            {
                _status = Status.Deactivating;
                retire = reason;
            }

            ready = TakeRunnableLocked();
        }

        StartAll(ready);
        if (retire is { } why)
        {
            await DeactivateAsync(why);
        }
    }

    private async Task DeactivateAsync(DeactivationReason reason)
    {
        // Writes in OnDeactivateAsync belong to no caller; calls it makes back here re-enter.
        RequestContext.Current = null;
        var hookTurn = CallChain.NextTurnId();
        lock (_lock)
        {
            _running.Add(hookTurn);
        }

        CallChain.Current = new CallChain(GrainId, hookTurn, null);
        try
        {
            StopTimers();
            await _grain!.OnDeactivateAsync(reason, CancellationToken.None).WaitAsync(_catalog.Options.CallTimeout);
        }
        catch (Exception exception)
        {
            LogDeactivationFailed(_catalog.Logger, exception, GrainId);
        }
        finally
        {
            List<Turn> waiting;
            lock (_lock)
            {
                _running.Remove(hookTurn);
                _status = Status.Gone;
                waiting = [.. _queue];
                _queue.Clear();
            }

            _catalog.Remove(this);
            _gone.TrySetResult();
            _lifetime.Dispose();
            foreach (var turn in waiting)
            {
                turn.Resubmit(_catalog);
            }
        }
    }

    private void StopTimers()
    {
        try
        {
            _lifetime.Cancel();
        }
        catch (AggregateException exception)
        {
            LogDeactivationFailed(_catalog.Logger, exception, GrainId);
        }

        GrainTimer[] timers;
        lock (_lock)
        {
            timers = [.. _timers];
            _timers.Clear();
        }

        foreach (var timer in timers)
        {
            timer.Dispose();
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Activation of {GrainId} failed")]
    private static partial void LogActivationFailed(ILogger logger, Exception exception, GrainId grainId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Retiring {GrainId} did not go cleanly")]
    private static partial void LogDeactivationFailed(ILogger logger, Exception exception, GrainId grainId);

    [LoggerMessage(Level = LogLevel.Error, Message = "A timer tick of {GrainId} failed")]
    private static partial void LogTimerFailed(ILogger logger, Exception exception, GrainId grainId);
}
