using System.Globalization;
using System.Runtime.InteropServices;
using M3CoreCRM.Silo.Storage;

namespace M3CoreCRM.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project tests/M3CoreCRM.Benchmarks -- runtime [--seconds 5] [--read-workers N] [--write-workers N]</c>.
/// Uses the server in <c>M3_BENCH_POSTGRES</c>, or starts a durable (fsync on) throwaway one.
/// Prints each figure with its yardstick and ratio, as rows for the README's performance table.
/// </summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Length == 0 || args[0] != "runtime")
        {
            await Console.Error.WriteLineAsync("usage: M3CoreCRM.Benchmarks runtime [--seconds 5] [--read-workers N] [--write-workers N]");
            return 2;
        }

        var seconds = Option(args, "--seconds", 5);
        var readWorkers = Option(args, "--read-workers", Environment.ProcessorCount * 4);
        var writeWorkers = Option(args, "--write-workers", 32);

        var external = Environment.GetEnvironmentVariable("M3_BENCH_POSTGRES");
        LocalPostgres? local = null;
        if (string.IsNullOrWhiteSpace(external))
        {
            local = await LocalPostgres.StartAsync(Path.Combine(Path.GetTempPath(), $"m3-bench-pg-{Guid.NewGuid():N}"), durable: true, deleteOnStop: true, CancellationToken.None);
        }

        try
        {
            var connectionString = external ?? await local!.CreateDatabaseAsync($"bench_{Guid.NewGuid():N}", CancellationToken.None);
            var report = await new RuntimeBenchmark(TimeSpan.FromSeconds(seconds), readWorkers, writeWorkers).RunAsync(connectionString);
            Print(report, seconds, readWorkers, writeWorkers);
            return report.LostWrites == 0 && report.SequenceGaps == 0 ? 0 : 1;
        }
        finally
        {
            if (local is not null)
            {
                await local.DisposeAsync();
            }
        }
    }

    private static void Print(RuntimeReport report, int seconds, int readWorkers, int writeWorkers)
    {
        var date = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var machine = $"{Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription.Split(' ')[0]}, .NET {Environment.Version}";
        Console.WriteLine($"# runtime benchmark, {date}, {machine}, {seconds} s per figure, {readWorkers} read workers, {writeWorkers} write workers");
        Console.WriteLine("| figure | per second | p50 ms | p99 ms | yardstick | yardstick per second | ratio |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        Row(report.GrainReads, report.DirectCalls);
        Row(report.GrainWrites, report.RawUpdates);
        Row(report.GrainWritesWithEvents, report.RawUpdates);
        Row(report.GrainWritesWithEventsOneTenant, report.RawUpdates);
        Console.WriteLine($"consistency: {report.LostWrites} acknowledged writes lost, {report.SequenceGaps} gaps in the event sequence");
    }

    private static void Row(Measurement figure, Measurement yardstick) => Console.WriteLine(
        string.Create(CultureInfo.InvariantCulture,
            $"| {figure.Name} | {figure.PerSecond:N0} | {figure.P50Ms:0.###} | {figure.P99Ms:0.###} | {yardstick.Name} | {yardstick.PerSecond:N0} | {figure.PerSecond / yardstick.PerSecond:P0} |"));

    private static int Option(string[] args, string name, int fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
