using Orleans.Configuration;

namespace M3CoreCRM.Silo.Hosting;

/// <summary>
/// On an Orleans client (an ApiHost with <c>M3_SILO=remote</c>): a grain call in flight when one of the client's
/// gateway connections closed, and still unanswered a short grace later, fails at once as
/// <see cref="SiloUnavailableException"/> (a retryable 503) instead of waiting out the response timeout.
/// </summary>
/// <remarks>
/// Orleans breaks a silo's outstanding calls when it learns that a silo died, but only on silos: a client's calls
/// travel through a gateway, and when the gateway, or the silo it forwarded a call to, is killed, the answer never
/// comes and the client waits for <see cref="MessagingOptions.ResponseTimeout"/> (30 s), long after the cluster
/// recovered. Every silo is a gateway this client holds a connection to, so a killed silo closes one of them at once.
/// Calls still answered within the grace (the ones that went elsewhere) are not touched; a call failed here may still
/// have run, exactly as one that timed out, so the client's retry rules are the same (idempotency keys, If-Match).
/// </remarks>
public sealed class GatewayLossWatch : IClusterConnectionStatusObserver, IOutgoingGrainCallFilter
{
    private TaskCompletionSource _nextLoss = NewLoss();

    /// <summary>How long a call in flight at a gateway loss may still be answered before it is failed.</summary>
    public static TimeSpan Grace { get; } = TimeSpan.FromSeconds(2);

    public async Task Invoke(IOutgoingGrainCallContext context)
    {
        var loss = Volatile.Read(ref _nextLoss).Task;
        var call = context.Invoke();
        if (call.IsCompleted || await Task.WhenAny(call, loss).ConfigureAwait(false) == call)
        {
            await call.ConfigureAwait(false);
            return;
        }

        if (await Task.WhenAny(call, Task.Delay(Grace)).ConfigureAwait(false) == call)
        {
            await call.ConfigureAwait(false);
            return;
        }

        // The abandoned call's own outcome (its eventual timeout) is observed here, not left to the finalizer.
        _ = call.ContinueWith(static task => _ = task.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        throw new SiloUnavailableException($"A connection to the cluster closed while {context.InterfaceName}.{context.MethodName} was in flight, and no answer came within {Grace.TotalSeconds:0} s.");
    }

    public void NotifyGatewayCountChanged(int currentNumberOfGateways, int previousNumberOfGateways, bool connectionRecovered)
    {
        if (currentNumberOfGateways < previousNumberOfGateways)
        {
            Interlocked.Exchange(ref _nextLoss, NewLoss()).TrySetResult();
        }
    }

    public void NotifyClusterConnectionLost() => Interlocked.Exchange(ref _nextLoss, NewLoss()).TrySetResult();

    private static TaskCompletionSource NewLoss() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
