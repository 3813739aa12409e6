namespace M3CoreCRM.Runtime.Activations;

/// <summary>
/// A timer of one activation. Each tick is a turn of the grain; the next tick is scheduled only
/// after the previous one finished, so ticks never overlap. It stops when disposed or when the
/// activation is retired.
/// </summary>
internal sealed class GrainTimer(Activation activation, Func<CancellationToken, Task> callback, TimeSpan dueTime, TimeSpan period, CancellationToken activationLifetime)
    : IDisposable
{
    private readonly CancellationTokenSource _stop = CancellationTokenSource.CreateLinkedTokenSource(activationLifetime);

    public void Start() => _ = RunAsync();

    public void Dispose()
    {
        try
        {
            _stop.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Already stopped.
        }
    }

    private async Task RunAsync()
    {
        var token = _stop.Token;
        try
        {
            await Task.Delay(dueTime, token);
            while (!token.IsCancellationRequested)
            {
                await activation.RunTimerTickAsync(callback, token);
                if (period <= TimeSpan.Zero || period == Timeout.InfiniteTimeSpan)
                {
                    break;
                }

                await Task.Delay(period, token);
            }
        }
        catch (OperationCanceledException)
        {
            // Disposed, or the activation went away.
        }
        finally
        {
            _stop.Dispose();
        }
    }
}
