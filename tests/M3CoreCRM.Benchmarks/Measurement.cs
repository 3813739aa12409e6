using System.Diagnostics;

namespace M3CoreCRM.Benchmarks;

/// <summary>One measured figure: operations per second over a timed window, and latency percentiles.</summary>
public sealed record Measurement(string Name, long Operations, TimeSpan Elapsed, double P50Ms, double P95Ms, double P99Ms)
{
    public double PerSecond => Operations / Elapsed.TotalSeconds;

    /// <summary>The slowest sample, where the figure keeps its samples (the web benchmark's); 0 otherwise.</summary>
    public double MaxMs { get; init; }
}

/// <summary>Runs <c>workers</c> loops of an operation for a warm-up and then a timed window.</summary>
public static class Load
{
    /// <summary>
    /// The yardstick measured before the figures and again after them, the faster of the two: the first run of a
    /// fresh process can still be warming up (tiered JIT, thread pool), which would flatter every ratio against it.
    /// </summary>
    public static Measurement Faster(Measurement before, Measurement after) => after.PerSecond > before.PerSecond ? after : before;

    public static async Task<Measurement> MeasureAsync(string name, int workers, TimeSpan duration, Func<int, Func<ValueTask>> operationFor)
    {
        // Warm-up: a fifth of the window, so JIT, pools and activations are settled before timing.
        await RunAsync(workers, duration / 5, operationFor, sampleLatency: false);
        var (operations, elapsed, latencies) = await RunAsync(workers, duration, operationFor, sampleLatency: true);
        latencies.Sort();
        return new Measurement(name, operations, elapsed, Percentile(latencies, 0.50), Percentile(latencies, 0.95), Percentile(latencies, 0.99));
    }

    private static async Task<(long Operations, TimeSpan Elapsed, List<double> Latencies)> RunAsync(
        int workers, TimeSpan duration, Func<int, Func<ValueTask>> operationFor, bool sampleLatency)
    {
        long operations = 0;
        var latencies = new List<double>();
        var started = Stopwatch.GetTimestamp();
        var deadline = started + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        await Task.WhenAll(Enumerable.Range(0, workers).Select(worker => Task.Run(async () =>
        {
            var operation = operationFor(worker);
            var local = 0L;
            var sampled = new List<double>();
            while (Stopwatch.GetTimestamp() < deadline)
            {
                // Latency is sampled on every 64th call (every call for slow operations) so that timing does not cost the figure it measures.
                if (sampleLatency && ((local & 63) == 0 || sampled.Count < 1000))
                {
                    var before = Stopwatch.GetTimestamp();
                    await operation();
                    sampled.Add(Stopwatch.GetElapsedTime(before).TotalMilliseconds);
                }
                else
                {
                    await operation();
                }

                local++;
            }

            Interlocked.Add(ref operations, local);
            lock (latencies)
            {
                latencies.AddRange(sampled);
            }
        })));
        return (operations, Stopwatch.GetElapsedTime(started), latencies);
    }

    private static double Percentile(List<double> sorted, double quantile) =>
        sorted.Count == 0 ? 0 : sorted[Math.Min(sorted.Count - 1, (int)(quantile * sorted.Count))];
}
