using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace M3CoreCRM.Silo.Storage;

/// <summary>The "crm" storage's instruments, under the meter <c>M3CoreCRM.Storage</c> (Orleans publishes its own grain figures on <c>Microsoft.Orleans</c>).</summary>
public static class StorageMetrics
{
    public const string MeterName = "M3CoreCRM.Storage";

    private static readonly Meter Meter = new(MeterName);

    public static Counter<long> Conflicts { get; } =
        Meter.CreateCounter<long>("m3.storage.conflicts", description: "State writes that lost a version race.");

    public static Histogram<double> Duration { get; } =
        Meter.CreateHistogram<double>("m3.storage.duration", "ms", "Grain storage latency by operation.");

    internal static void Record(string operation, long startedTimestamp)
    {
        if (Duration.Enabled)
        {
            Duration.Record(Stopwatch.GetElapsedTime(startedTimestamp).TotalMilliseconds, new KeyValuePair<string, object?>("operation", operation));
        }
    }
}
