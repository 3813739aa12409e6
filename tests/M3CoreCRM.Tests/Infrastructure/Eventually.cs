namespace M3CoreCRM.Tests.Infrastructure;

/// <summary>Awaits a condition that becomes true on its own (a reminder firing, a collector running), with a deadline.</summary>
public static class Eventually
{
    public static async Task<T> ReturnsAsync<T>(Func<Task<T>> probe, Func<T, bool> condition, TimeSpan? timeout = null)
    {
        using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(20));
        var last = default(T);
        while (!deadline.IsCancellationRequested)
        {
            last = await probe();
            if (condition(last))
            {
                return last;
            }

            try
            {
                await Task.Delay(20, deadline.Token);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        throw new TimeoutException($"The condition did not hold in time; the last value seen was {last}.");
    }

    public static Task TrueAsync(Func<bool> condition, TimeSpan? timeout = null) =>
        ReturnsAsync(() => Task.FromResult(condition()), ok => ok, timeout);
}
