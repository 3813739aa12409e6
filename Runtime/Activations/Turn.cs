using M3CoreCRM.Runtime.Grains;

namespace M3CoreCRM.Runtime.Activations;

/// <summary>How a turn shares the activation: readers together, a writer alone, a re-entrant call inside the chain that waits for it.</summary>
internal enum TurnKind
{
    Reader,
    Writer,
    Reentrant,
}

/// <summary>A request waiting in an activation's queue (always a reader or a writer: re-entrant calls never wait).</summary>
internal abstract class Turn(TurnKind kind)
{
    public TurnKind Kind { get; } = kind;

    /// <summary>Runs the turn on the activation as turn <paramref name="turnId"/>; the activation is told when it ends.</summary>
    public abstract void Run(Activation activation, long turnId);

    /// <summary>The activation went away before this turn ran: send it to the grain's next activation.</summary>
    public abstract void Resubmit(Catalog catalog);

    public abstract void Fail(Exception exception);
}

/// <summary>A grain method call that had to wait for its turn.</summary>
internal sealed class MethodTurn<TResult>(GrainId grainId, MethodDispatcher<TResult> method, object?[] arguments, CallChain? chain, TurnKind kind) : Turn(kind)
{
    private readonly TaskCompletionSource<TResult> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Queued turns run on the thread pool without the caller's execution context: take its request context along.
    private readonly RequestContext? _context = RequestContext.Current;

    public Task<TResult> Task => _completion.Task;

    public override void Run(Activation activation, long turnId)
    {
        RequestContext.Current = _context;
        var task = activation.Execute(method, arguments, chain, turnId);
        RequestContext.Current = null;
        if (task.IsCompleted)
        {
            Complete(task);
            activation.EndTurn(Kind, turnId);
            return;
        }

        task.ContinueWith(
            static (finished, state) =>
            {
                var (turn, activation, turnId) = ((MethodTurn<TResult>, Activation, long))state!;
                turn.Complete(finished);
                activation.EndTurn(turn.Kind, turnId);
            },
            (this, activation, turnId),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    public override void Resubmit(Catalog catalog)
    {
        var previous = CallChain.Current;
        CallChain.Current = chain;
        RequestContext.Current = _context;
        try
        {
            catalog.InvokeAsync(grainId, method, arguments).ContinueWith(
                static (finished, state) => ((MethodTurn<TResult>)state!).Complete(finished),
                this,
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }
        finally
        {
            CallChain.Current = previous;
            RequestContext.Current = null;
        }
    }

    public override void Fail(Exception exception) => _completion.TrySetException(exception);

    private void Complete(Task<TResult> finished)
    {
        if (finished.IsCompletedSuccessfully)
        {
            _completion.TrySetResult(finished.Result);
        }
        else if (finished.IsCanceled)
        {
            _completion.TrySetCanceled();
        }
        else
        {
            _completion.TrySetException(finished.Exception!.InnerExceptions);
        }
    }
}

/// <summary>A tick of a grain timer: runs alone, like a state-changing call.</summary>
internal sealed class TimerTurn(Func<CancellationToken, Task> callback, CancellationToken cancellationToken) : Turn(TurnKind.Writer)
{
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Task => _completion.Task;

    public override void Run(Activation activation, long turnId) =>
        activation.ExecuteTimerTick(callback, turnId, cancellationToken).ContinueWith(
            static (finished, state) =>
            {
                var (turn, activation, turnId) = ((TimerTurn, Activation, long))state!;
                turn._completion.TrySetResult();
                activation.EndTurn(TurnKind.Writer, turnId);
            },
            (this, activation, turnId),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);

    // A tick of an activation that is gone is simply not run: the timer died with it.
    public override void Resubmit(Catalog catalog) => _completion.TrySetResult();

    public override void Fail(Exception exception) => _completion.TrySetResult();
}
