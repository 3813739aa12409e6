using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace M3CoreCRM.Runtime.Diagnostics;

/// <summary>The runtime's instruments, under the meter <c>M3CoreCRM.Runtime</c>.</summary>
public static class RuntimeMetrics
{
    public const string MeterName = "M3CoreCRM.Runtime";

    private static readonly Meter Meter = new(MeterName);

    public static Counter<long> Calls { get; } = Meter.CreateCounter<long>("m3.grain.calls", description: "Grain calls started.");

    public static Histogram<double> CallDuration { get; } =
        Meter.CreateHistogram<double>("m3.grain.call.duration", "ms", "Grain call latency, queueing included.");

    public static Counter<long> StorageConflicts { get; } =
        Meter.CreateCounter<long>("m3.storage.conflicts", description: "State writes that lost a version race.");

    public static Histogram<double> StorageDuration { get; } =
        Meter.CreateHistogram<double>("m3.storage.duration", "ms", "Grain storage latency by operation.");

    /// <summary>Publishes one catalog's live figures (activations and queued requests) on a meter of its own.</summary>
    internal static Meter ObserveCatalog(IMeterFactory meterFactory, Func<int> activations, Func<long> queued)
    {
        var meter = meterFactory.Create(MeterName);
        meter.CreateObservableUpDownCounter("m3.grain.activations", activations, description: "Live grain activations.");
        meter.CreateObservableGauge("m3.grain.queue.length", queued, description: "Requests waiting for their turn.");
        return meter;
    }

    internal static void RecordStorage(string operation, long startedTimestamp)
    {
        if (StorageDuration.Enabled)
        {
            StorageDuration.Record(Stopwatch.GetElapsedTime(startedTimestamp).TotalMilliseconds, new KeyValuePair<string, object?>("operation", operation));
        }
    }

    internal static void RecordCall(string grainType, long startedTimestamp)
    {
        if (CallDuration.Enabled)
        {
            CallDuration.Record(Stopwatch.GetElapsedTime(startedTimestamp).TotalMilliseconds, new KeyValuePair<string, object?>("grain", grainType));
        }
    }
}
