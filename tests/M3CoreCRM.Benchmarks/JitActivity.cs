using System.Globalization;

namespace M3CoreCRM.Benchmarks;

/// <summary>
/// The CPU time of a .NET process's tiered-compilation worker thread, read from <c>/proc</c> (Linux). That thread
/// recompiles hot methods at higher tiers for many seconds after a path is first taken; while it works, a figure
/// measures the host's start, not the host.
/// </summary>
public static class JitActivity
{
    // The runtime names the thread ".NET Tiered Compilation Worker"; the kernel keeps its first 15 bytes.
    private const string WorkerName = ".NET Tiered Com";

    // USER_HZ: the unit of /proc's utime and stime, 100 on every Linux the runtime supports.
    private const double TicksPerSecond = 100;

    /// <summary>The compiler thread's CPU time summed over <paramref name="processIds"/>; null where /proc cannot tell.</summary>
    public static TimeSpan? CompilerTime(IEnumerable<int> processIds)
    {
        var total = TimeSpan.Zero;
        foreach (var processId in processIds)
        {
            if (CompilerTime(processId) is not { } time)
            {
                return null;
            }

            total += time;
        }

        return total;
    }

    private static TimeSpan? CompilerTime(int processId)
    {
        string[] threads;
        try
        {
            threads = Directory.GetDirectories($"/proc/{processId}/task");
        }
        catch (IOException)
        {
            // No /proc (not Linux), or the process is gone.
            return null;
        }

        var total = TimeSpan.Zero;

        foreach (var thread in threads)
        {
            try
            {
                if (!File.ReadAllText(Path.Combine(thread, "comm")).StartsWith(WorkerName, StringComparison.Ordinal))
                {
                    continue;
                }

                // After the ")" that ends the thread's name: state is field 3, utime 14 and stime 15.
                var stat = File.ReadAllText(Path.Combine(thread, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
                total += TimeSpan.FromSeconds(ticks / TicksPerSecond);
            }
            catch (IOException)
            {
                // The thread ended between the listing and the read: it compiles nothing any more.
            }
        }

        return total;
    }
}
