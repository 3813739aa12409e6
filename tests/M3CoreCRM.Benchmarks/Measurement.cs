using System.Diagnostics;
using System.Globalization;
using M3CoreCRM.Testing;

namespace M3CoreCRM.Benchmarks;

/// <summary>One measured figure: operations per second over a timed window, and latency percentiles.</summary>
public sealed record Measurement(string Name, long Operations, TimeSpan Elapsed, double P50Ms, double P95Ms, double P99Ms)
{
    public double PerSecond => Operations / Elapsed.TotalSeconds;

    /// <summary>The slowest sample, where the figure keeps its samples (the web benchmark's); 0 otherwise.</summary>
    public double MaxMs { get; init; }

    /// <summary>
    /// CPU time of the measured host process per operation over the timed window, in microseconds, where the scenario
    /// names its host (<see cref="Load.Measuring"/>). Steadier than the rate on a 2-core machine whose load generator,
    /// database and host share the cores, so it tells whether a change made a request cheaper when rates only scatter.
    /// </summary>
    public double? HostMicrosecondsPerOperation { get; init; }
}

/// <summary>Runs <c>workers</c> loops of an operation for a warm-up and then a timed window.</summary>
public static class Load
{
    /// <summary>
    /// The yardstick measured before the figures and again after them, the faster of the two: the first run of a
    /// fresh process can still be warming up (tiered JIT, thread pool), which would flatter every ratio against it.
    /// </summary>
    public static Measurement Faster(Measurement before, Measurement after) => after.PerSecond > before.PerSecond ? after : before;

    private static HostProcess? _measuredHost;

    /// <summary>Until disposed, figures also measure <paramref name="host"/>'s CPU time per operation.</summary>
    public static IDisposable Measuring(HostProcess host)
    {
        _measuredHost = host;
        return new MeasuredHostScope();
    }

    public static async Task<Measurement> MeasureAsync(string name, int workers, TimeSpan duration, Func<int, Func<ValueTask>> operationFor)
    {
        // One operation per worker for the warm-up and the timed window both, so that a worker's state (the unit it holds next) runs on.
        var operations = Enumerable.Range(0, workers).Select(operationFor).ToArray();
        await WarmUpAsync(operations, duration);
        var host = _measuredHost;
        var cpuBefore = host?.ProcessorTime;
        var (count, elapsed, latencies) = await RunAsync(operations, duration, sampleLatency: true);
        var hostCpu = host?.ProcessorTime - cpuBefore;
        latencies.Sort();
        return new Measurement(name, count, elapsed, Percentile(latencies, 0.50), Percentile(latencies, 0.95), Percentile(latencies, 0.99))
        {
            HostMicrosecondsPerOperation = hostCpu is { } cpu && count > 0 ? cpu.TotalMicroseconds / count : null,
        };
    }

    /// <summary>
    /// Runs the operation until the host is warm: at least a fifth of the window, then in one-second slices (a fifth of
    /// shorter windows) until a slice is no more than 5 % faster than the one before and the tiered JIT of the measured
    /// host and of this process used under 3 % of a core in it, for at most six windows. Measured with a fixed
    /// one-second warm-up, `GET /leads/{id}` in a 5 s window ran at half the rate of the same figure in a 10 s window;
    /// with the rate rule alone, the JIT of a `PATCH /leads/{id}` phase still used a quarter of a core all through its
    /// timed window (the host compiles for 10-14 s after a new path is first taken), which is the host's start, not
    /// the host.
    /// </summary>
    private static async Task WarmUpAsync(Func<ValueTask>[] operations, TimeSpan duration)
    {
        var started = Stopwatch.GetTimestamp();
        int[] compiling = _measuredHost is { } host ? [Environment.ProcessId, host.Id] : [Environment.ProcessId];
        await RunAsync(operations, duration / 5, sampleLatency: false);
        var slice = TimeSpan.FromSeconds(Math.Min(1, duration.TotalSeconds / 5));
        var previous = 0.0;
        while (Stopwatch.GetElapsedTime(started) < duration * 6)
        {
            var compilerBefore = JitActivity.CompilerTime(compiling);
            var (count, elapsed, _) = await RunAsync(operations, slice, sampleLatency: false);
            var compiler = JitActivity.CompilerTime(compiling) - compilerBefore;
            var rate = count / elapsed.TotalSeconds;
            var jitQuiet = compiler is not { } time || time < elapsed * 0.03;
            if (previous > 0 && rate <= previous * 1.05 && jitQuiet)
            {
                break;
            }

            previous = rate;
        }

        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"warm-up: {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s"));
    }

    private static async Task<(long Operations, TimeSpan Elapsed, List<double> Latencies)> RunAsync(
        Func<ValueTask>[] workers, TimeSpan duration, bool sampleLatency)
    {
        long operations = 0;
        var latencies = new List<double>();
        var started = Stopwatch.GetTimestamp();
        var deadline = started + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        await Task.WhenAll(workers.Select(operation => Task.Run(async () =>
        {
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

    private sealed class MeasuredHostScope : IDisposable
    {
        public void Dispose() => _measuredHost = null;
    }

    private static double Percentile(List<double> sorted, double quantile) =>
        sorted.Count == 0 ? 0 : sorted[Math.Min(sorted.Count - 1, (int)(quantile * sorted.Count))];
}
