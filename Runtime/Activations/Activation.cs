using M3CoreCRM.Runtime.Grains;
using M3CoreCRM.Runtime.Persistence;
using Microsoft.Extensions.Logging;

namespace M3CoreCRM.Runtime.Activations;

/// <summary>
/// One live grain instance and its turns. A request starts at once when the activation may take
/// it (no writer running and nobody queued; for a writer, nobody running at all), on the caller's
/// own thread; otherwise it waits in a FIFO queue and runs on the thread pool when its turn
/// comes. A turn lasts until the grain method's task completes, awaits included. A call whose
/// chain already holds this grain re-enters instead of waiting for the turn that waits for it.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The lifetime token source is disposed when the activation is retired.")]
internal sealed partial class Activation : IGrainContext
{
    private readonly Lock _lock = new();
    private readonly Queue<Turn> _queue = new();
    private readonly Catalog _catalog;
    private readonly GrainClass _grainClass;
    private readonly TaskCompletionSource _gone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<GrainTimer> _timers = [];
    private readonly CancellationTokenSource _lifetime = new();

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

    public bool IsIdle
    {
        get
        {
            lock (_lock)
            {
                return IsIdleLocked;
            }
        }
    }

    private bool IsIdleLocked => _status == Status.Active && !_writer && _readers == 0 && _reentrant == 0 && _queue.Count == 0;

    public void Start() => ThreadPool.UnsafeQueueUserWorkItem(static activation => _ = activation.ActivateAsync(), this, preferLocal: false);

    /// <summary>
    /// Starts the call now if the activation may take it, else queues it. Null when the activation
    /// is being retired: the caller goes to the grain's next activation.
    /// </summary>
    public Task<TResult>? InvokeAsync<TResult>(MethodDispatcher<TResult> method, object?[] arguments, CallChain? chain)
    {
        var kind = chain is not null && chain.Contains(GrainId) ? TurnKind.Reentrant
            : method.IsReadOnly ? TurnKind.Reader
            : TurnKind.Writer;
        Volatile.Write(ref _lastUsed, System.Diagnostics.Stopwatch.GetTimestamp());
        lock (_lock)
        {
            if (_status >= Status.Deactivating)
            {
                return null;
            }

            if (!TryBeginLocked(kind))
            {
                var turn = new MethodTurn<TResult>(GrainId, method, arguments, chain, kind);
                _queue.Enqueue(turn);
                return turn.Task;
            }
        }

        var task = Execute(method, arguments, chain);
        if (task.IsCompleted)
        {
            EndTurn(kind);
            return task;
        }

        task.ContinueWith(
            static (_, state) =>
            {
                var (activation, kind) = ((Activation, TurnKind))state!;
                activation.EndTurn(kind);
            },
            (this, kind),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
        return task;
    }

    /// <summary>Runs the grain method with this grain added to the call chain; its awaits carry the chain on.</summary>
    public Task<TResult> Execute<TResult>(MethodDispatcher<TResult> method, object?[] arguments, CallChain? chain)
    {
        var previous = CallChain.Current;
        CallChain.Current = new CallChain(GrainId, chain);
        try
        {
            return method.Invoke(_grain!, arguments);
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

    public async Task ExecuteTimerTick(Func<CancellationToken, Task> callback, CancellationToken cancellationToken)
    {
        var previous = CallChain.Current;
        CallChain.Current = new CallChain(GrainId, null);
        try
        {
            await callback(cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogTimerFailed(_catalog.Logger, exception, GrainId);
        }
        finally
        {
            CallChain.Current = previous;
        }
    }

    /// <summary>Runs a timer tick as a turn of its own; completes when the tick is done (or skipped because the activation is gone).</summary>
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

            ThreadPool.UnsafeQueueUserWorkItem(static state => state.turn.Run(state.activation), (turn, activation: this), preferLocal: true);
            return turn.Task;
        }
    }

    public void EndTurn(TurnKind kind)
    {
        List<Turn>? ready;
        DeactivationReason? retire = null;
        lock (_lock)
        {
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

            if (_deactivateWhenIdle is { } reason && !_writer && _readers == 0 && _reentrant == 0 && _status == Status.Active)
            {
                _status = Status.Deactivating;
                retire = reason;
                ready = null;
            }
            else
            {
                ready = TakeRunnableLocked();
            }
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
            if (!IsIdleLocked)
            {
                return false;
            }

            _status = Status.Deactivating;
        }

        _ = DeactivateAsync(reason);
        return true;
    }

    /// <summary>Retires the activation once its running turns end, even if requests wait (they move to the next activation).</summary>
    public void DeactivateOnIdle(DeactivationReason reason)
    {
        var retireNow = false;
        lock (_lock)
        {
            _deactivateWhenIdle ??= reason;
            if (_status == Status.Active && !_writer && _readers == 0 && _reentrant == 0)
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

        return _catalog.Reminders.RegisterAsync(GrainId, name, DateTimeOffset.UtcNow + dueTime, period, CancellationToken.None);
    }

    public Task UnregisterReminderAsync(string name) => _catalog.Reminders.UnregisterAsync(GrainId, name, CancellationToken.None);

    private bool TryBeginLocked(TurnKind kind)
    {
        switch (kind)
        {
            case TurnKind.Reentrant when _grain is not null:
                _reentrant++;
                return true;
            case TurnKind.Reader when _status == Status.Active && !_writer && _reentrant == 0 && _queue.Count == 0:
                _readers++;
                return true;
            case TurnKind.Writer when _status == Status.Active && !_writer && _readers == 0 && _reentrant == 0 && _queue.Count == 0:
                _writer = true;
                return true;
            default:
                return false;
        }
    }

    // FIFO: consecutive readers at the head start together; a writer starts only when nothing runs.
    private List<Turn>? TakeRunnableLocked()
    {
        if (_status != Status.Active)
        {
            return null;
        }

        List<Turn>? ready = null;
        while (_queue.TryPeek(out var next))
        {
            if (next.Kind == TurnKind.Reader)
            {
                if (_writer || _reentrant > 0)
                {
                    break;
                }

                _readers++;
            }
            else
            {
                if (_writer || _readers > 0 || _reentrant > 0)
                {
                    break;
                }

                _writer = true;
            }

            (ready ??= []).Add(_queue.Dequeue());
            if (_writer)
            {
                break;
            }
        }

        return ready;
    }

    private void StartAll(List<Turn>? ready)
    {
        if (ready is null)
        {
            return;
        }

        foreach (var turn in ready)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static state => state.turn.Run(state.activation), (turn, activation: this), preferLocal: true);
        }
    }

    private async Task ActivateAsync()
    {
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
                waiting = [.. _queue];
                _queue.Clear();
            }

            LogActivationFailed(_catalog.Logger, exception, GrainId);
            _catalog.Remove(this);
            _gone.TrySetResult();
            foreach (var turn in waiting)
            {
                turn.Fail(exception);
            }

            return;
        }

        List<Turn>? ready;
        DeactivationReason? retire = null;
        lock (_lock)
        {
            _status = Status.Active;
            _writer = false;
            if (_deactivateWhenIdle is { } reason)
            {
                _status = Status.Deactivating;
                retire = reason;
                ready = null;
            }
            else
            {
                ready = TakeRunnableLocked();
            }
        }

        StartAll(ready);
        if (retire is { } why)
        {
            await DeactivateAsync(why);
        }
    }

    private async Task DeactivateAsync(DeactivationReason reason)
    {
        await _lifetime.CancelAsync();
        GrainTimer[] timers;
        lock (_lock)
        {
            timers = [.. _timers];
        }

        foreach (var timer in timers)
        {
            timer.Dispose();
        }

        try
        {
            var previous = CallChain.Current;
            CallChain.Current = new CallChain(GrainId, null);
            try
            {
                await _grain!.OnDeactivateAsync(reason, CancellationToken.None).WaitAsync(_catalog.Options.CallTimeout);
            }
            finally
            {
                CallChain.Current = previous;
            }
        }
        catch (Exception exception)
        {
            LogDeactivationFailed(_catalog.Logger, exception, GrainId);
        }

        List<Turn> waiting;
        lock (_lock)
        {
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

    [LoggerMessage(Level = LogLevel.Error, Message = "Activation of {GrainId} failed")]
    private static partial void LogActivationFailed(ILogger logger, Exception exception, GrainId grainId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "OnDeactivateAsync of {GrainId} failed")]
    private static partial void LogDeactivationFailed(ILogger logger, Exception exception, GrainId grainId);

    [LoggerMessage(Level = LogLevel.Error, Message = "A timer tick of {GrainId} failed")]
    private static partial void LogTimerFailed(ILogger logger, Exception exception, GrainId grainId);
}
