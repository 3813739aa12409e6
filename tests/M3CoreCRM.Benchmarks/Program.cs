using System.Globalization;
using System.Runtime.InteropServices;
using M3CoreCRM.Silo.Storage;

namespace M3CoreCRM.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project tests/M3CoreCRM.Benchmarks -- runtime|identity|cluster|inventory|stream|leads|approvals|reports|mix|faults|web|all [--seconds 5] [--read-workers N] [--write-workers N] [--clients N] [--hold-clients N] [--units N] [--subscribers N] [--leads N] [--lead-clients N] [--report-clients N] [--report-units N] [--tenants N] [--agents N] [--mix-subscribers N] [--fault none|postgres-restart|pool|slow-subscriber|silo-kill] [--events N] [--scroll-rows N] [--board-units N]</c>.
/// Uses the server in <c>M3_BENCH_POSTGRES</c>, or starts a durable (fsync on) throwaway one.
/// Prints each figure with its yardstick from the same run, as rows for the README's performance table.
/// </summary>
internal static class Program
{
    private const string Usage = "usage: M3CoreCRM.Benchmarks runtime|identity|cluster|inventory|stream|leads|approvals|reports|mix|faults|web|all [--seconds 5] [--read-workers N] [--write-workers N] [--clients N] [--hold-clients N] [--units N] [--subscribers N] [--leads N] [--lead-clients N] [--report-clients N] [--report-units N] [--tenants N] [--agents N] [--mix-subscribers N] [--fault none|postgres-restart|pool|slow-subscriber|silo-kill] [--events N] [--scroll-rows N] [--board-units N]";

    public static async Task<int> Main(string[] args)
    {
        if (Environment.GetEnvironmentVariable("M3_BENCH_ROLE") == StreamBenchmark.YardstickRole)
        {
            await StreamBenchmark.ServeYardstickAsync(args);
            return 0;
        }

        var scenario = args.FirstOrDefault();
        if (scenario is not ("runtime" or "identity" or "cluster" or "inventory" or "stream" or "leads" or "approvals" or "reports" or "mix" or "faults" or "web" or "all"))
        {
            await Console.Error.WriteLineAsync(Usage);
            return 2;
        }

        var seconds = Option(args, "--seconds", 5);
        var readWorkers = Option(args, "--read-workers", Environment.ProcessorCount * 4);
        var writeWorkers = Option(args, "--write-workers", 32);
        var clients = Option(args, "--clients", 50);
        var holdClients = Option(args, "--hold-clients", 200);
        var units = Option(args, "--units", 1000);
        var subscribers = Option(args, "--subscribers", 1000);
        var leads = Option(args, "--leads", 100_000);
        var leadClients = Option(args, "--lead-clients", 64);
        var reportClients = Option(args, "--report-clients", 8);
        var reportUnits = Option(args, "--report-units", 10_000);
        var mix = new MixOptions(TimeSpan.FromSeconds(Option(args, "--seconds", 30)), Option(args, "--tenants", 4), Option(args, "--agents", 8), Option(args, "--mix-subscribers", 2), 2000, 200, MixFault.None);
        var fault = Array.IndexOf(args, "--fault") is var at and >= 0 && at + 1 < args.Length ? ParseFault(args[at + 1]) : MixFault.None;

        var external = Environment.GetEnvironmentVariable("M3_BENCH_POSTGRES");
        LocalPostgres? local = null;
        if (string.IsNullOrWhiteSpace(external))
        {
            local = await LocalPostgres.StartAsync(Path.Combine(Path.GetTempPath(), $"m3-bench-pg-{Guid.NewGuid():N}"), durable: true, deleteOnStop: true, CancellationToken.None);
        }

        try
        {
            Console.WriteLine($"# {DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}, {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription.Split(' ')[0]}, .NET {Environment.Version}, {seconds} s per figure");
            Console.WriteLine("| figure | per second | p50 ms | p95 ms | p99 ms | yardstick (same run) | yardstick per second | ratio | host CPU µs per operation (figure / yardstick) |");
            Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
            var consistent = true;
            if (scenario is "runtime" or "all")
            {
                var report = await new RuntimeBenchmark(TimeSpan.FromSeconds(seconds), readWorkers, writeWorkers).RunAsync(await DatabaseAsync(external, local));
                Row(report.GrainReads, report.DirectCalls);
                Row(report.GrainWrites, report.RawUpdates);
                Row(report.GrainWritesWithEvents, report.RawUpdates);
                Row(report.GrainWritesWithEventsOneTenant, report.RawUpdates);
                Console.WriteLine($"runtime ({readWorkers} read workers, {writeWorkers} write workers): {report.LostWrites} acknowledged writes lost, {report.SequenceGaps} gaps in the event sequence");
                consistent = report.LostWrites == 0 && report.SequenceGaps == 0;
            }

            if (scenario is "identity" or "all")
            {
                var report = await new IdentityBenchmark(TimeSpan.FromSeconds(seconds), clients).RunAsync(await DatabaseAsync(external, local));
                Row(report.Login, report.RawArgon2id);
                Row(report.Refresh, report.Health);
                Row(report.Health, report.Health);
                Console.WriteLine($"identity: {clients} concurrent clients over HTTP to one ApiHost process; Argon2id m=19 MiB, t=2, p=1");
            }

            if (scenario is "cluster" or "all")
            {
                var report = await new ClusterBenchmark(TimeSpan.FromSeconds(seconds), clients).RunAsync(() => DatabaseAsync(external, local));
                Row(report.InProcess, report.Health);
                Row(report.OneSilo, report.InProcess);
                Row(report.TwoSilos, report.InProcess);
                Row(report.OneSiloSingle, report.InProcessSingle);
                Row(report.TwoSilos, report.TwoSilosOrleansPlacement);
                Row(report.TwoSilosRename, report.TwoSilosRenameOrleansPlacement);
                var hop = (report.OneSiloSingle.P50Ms - report.InProcessSingle.P50Ms) * 1000;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"cluster: {clients} clients, a tenant each; the remote grain call adds {hop:0} µs at p50 with one client (ApiHost → 1 silo vs in-process)"));
            }

            if (scenario is "inventory" or "all")
            {
                var report = await new InventoryBenchmark(TimeSpan.FromSeconds(seconds), holdClients, units).RunAsync(await DatabaseAsync(external, local));
                Row(report.SpreadHolds, report.Health);
                Row(report.HotUnitHolds, report.Health);
                Row(report.HotUnitReads, report.Health);
                Row(report.Health, report.Health);
                Console.WriteLine($"inventory: {holdClients} concurrent clients over HTTP to one ApiHost process; spread holds: {report.SpreadConflicts} conflicts, {report.WrongHolders} units held by the wrong deal; hot unit: {report.HotUnitWins} winner, {report.HotUnitRefusals:N0} answered 409");
                consistent &= report.SpreadConflicts == 0 && report.WrongHolders == 0 && report.HotUnitWins == 1;
            }

            if (scenario is "stream" or "all")
            {
                var report = await new StreamBenchmark(TimeSpan.FromSeconds(seconds), subscribers).RunAsync(await DatabaseAsync(external, local));
                Row(report.Latency, report.YardstickLatency);
                Row(report.YardstickLatency, report.YardstickLatency);
                Row(report.FanOut, report.YardstickFanOut);
                Row(report.YardstickFanOut, report.YardstickFanOut);
                Console.WriteLine($"stream: {report.Subscribers:N0} subscribers over HTTP to one ApiHost process (load generator on the same cores); {report.Gaps} gaps, {report.Repeats} repeats, {report.CutOff} subscribers cut off");
                consistent &= report.Gaps == 0 && report.Repeats == 0 && report.CutOff == 0;
            }

            // Not part of "all": it needs Chromium and the web app's npm packages.
            if (scenario is "web")
            {
                var report = await new WebBenchmark(leads, Option(args, "--events", 100), Option(args, "--scroll-rows", 1000), Option(args, "--units", 10_000), Option(args, "--board-units", 1000))
                    .RunAsync(await DatabaseAsync(external, local));
                LatencyRow(report.ListInteractive, report.SignInInteractive);
                LatencyRow(report.SignInInteractive, report.SignInInteractive);
                LatencyRow(report.ScrollLongestTask, report.StaticScrollLongestTask);
                LatencyRow(report.StaticScrollLongestTask, report.StaticScrollLongestTask);
                LatencyRow(report.LeadShown, report.EventDelivered);
                LatencyRow(report.EventDelivered, report.EventDelivered);
                Console.WriteLine($"web: Chromium {report.ListInteractive.Operations} cold navigations each, {report.RowsScrolled:N0} rows scrolled with {report.LongTasksWhileScrolling} long tasks (> 50 ms), {report.LeadShown.Operations} leads created by another user; one ApiHost process, one tenant with {report.Leads:N0} leads");
                LatencyRow(report.DashboardInteractive, report.DashboardSignIn);
                LatencyRow(report.DashboardSignIn, report.DashboardSignIn);
                LatencyRow(report.DealWonShown, report.DealWonDelivered);
                LatencyRow(report.DealWonDelivered, report.DealWonDelivered);
                Console.WriteLine($"web, dashboard: {report.DashboardInteractive.Operations} cold navigations each (worst {report.DashboardInteractive.MaxMs:0} ms; /login worst {report.DashboardSignIn.MaxMs:0} ms), {report.DealWonShown.Operations} deals won by another user (worst {report.DealWonShown.MaxMs:0} ms); the same tenant, {report.Units:N0} units ({report.BoardUnits:N0} of them in the board's project, the rest over 10 projects), {report.Deals:N0} seeded deals");
                LatencyRow(report.BoardShown, report.BoardSignIn);
                LatencyRow(report.BoardSignIn, report.BoardSignIn);
                LatencyRow(report.BoardRendered, report.BoardSignIn);
                LatencyRow(report.HoldApplied, report.HoldArrived);
                LatencyRow(report.HoldArrived, report.HoldArrived);
                LatencyRow(report.HoldShown, report.HoldArrived);
                Console.WriteLine($"web, availability board: {report.BoardShown.Operations} cold navigations each (worst {report.BoardShown.MaxMs:0} ms: the app's scripts, the session, the board's read of {report.BoardUnits:N0} units, every cell rendered), {report.HoldApplied.Operations} holds by another request (worst arrival → cell {report.HoldApplied.MaxMs:0.0} ms)");
            }

            if (scenario is "leads" or "all")
            {
                var report = await new LeadsBenchmark(TimeSpan.FromSeconds(seconds), leadClients, leads).RunAsync(await DatabaseAsync(external, local));
                Row(report.GetById, report.Health);
                Row(report.GetWorking, report.Health);
                Row(report.Patch, report.Health);
                Row(report.ListPage, report.Health);
                Row(report.QueueNext, report.Health);
                Row(report.Health, report.Health);
                Console.WriteLine($"leads: {leadClients} concurrent clients over HTTP to one ApiHost process, one tenant with {report.Leads:N0} leads; {report.HandedTwice} leads handed out twice by the queue");
                consistent &= report.HandedTwice == 0;
            }

            if (scenario is "approvals" or "all")
            {
                var report = await new ApprovalsBenchmark(TimeSpan.FromSeconds(seconds), clients).RunAsync(await DatabaseAsync(external, local));
                Row(report.GateMissed, report.Ungated);
                Row(report.Requested, report.Ungated);
                Row(report.AwaitingList, report.Ungated);
                Row(report.Approve, report.Ungated);
                Row(report.Ungated, report.Ungated);
                Console.WriteLine($"approvals: {clients} concurrent clients over HTTP to one ApiHost process, one tenant, a deal each; {report.Opened:N0} approvals opened, {report.StillPending} left pending, {report.Rejected} rejected, {report.WrongDiscount} deals not at the approved discount");
                consistent &= report.StillPending == 0 && report.Rejected == 0 && report.WrongDiscount == 0;
            }

            if (scenario is "reports" or "all")
            {
                var report = await new ReportsBenchmark(TimeSpan.FromSeconds(seconds), reportClients, leads, reportUnits).RunAsync(await DatabaseAsync(external, local));
                foreach (var figure in report.Reports)
                {
                    Row(figure, report.Health);
                }

                Row(report.Health, report.Health);
                Console.WriteLine($"reports: {reportClients} concurrent clients over HTTP to one ApiHost process, one tenant with {report.Leads:N0} leads, {report.Units:N0} units, {report.Deals:N0} deals, {report.Activities:N0} activities; {report.EmptyReports} reports without rows");
                consistent &= report.EmptyReports == 0;
            }

            if (scenario is "mix")
            {
                consistent &= MixRows(await new MixBenchmark(mix with { Fault = fault }).RunAsync(await DatabaseAsync(external, local), local));
            }

            if (scenario is "faults")
            {
                foreach (var drill in new[] { MixFault.None, MixFault.PostgresRestart, MixFault.PoolExhausted, MixFault.SlowSubscriber, MixFault.SiloKilled })
                {
                    consistent &= MixRows(await new MixBenchmark(mix with { Fault = drill }).RunAsync(await DatabaseAsync(external, local), local));
                }
            }

            return consistent ? 0 : 1;
        }
        finally
        {
            if (local is not null)
            {
                await local.DisposeAsync();
            }
        }
    }

    private static MixFault ParseFault(string name) => name switch
    {
        "none" => MixFault.None,
        "postgres-restart" => MixFault.PostgresRestart,
        "pool" => MixFault.PoolExhausted,
        "slow-subscriber" => MixFault.SlowSubscriber,
        "silo-kill" => MixFault.SiloKilled,
        _ => throw new ArgumentException($"Unknown fault '{name}'.", nameof(name)),
    };

    /// <summary>Prints a mix run: each operation against its ceiling (writes against the raw update, reads against /health/live), answers by status, the checks.</summary>
    private static bool MixRows(MixReport report)
    {
        string[] writes = ["log call", "update lead", "move deal", "hold unit", "reserve unit", "release unit", "queue next"];
        foreach (var operation in report.Operations)
        {
            Row(operation, writes.Contains(operation.Name) ? report.RawUpdates : report.Health);
        }

        Row(report.RawUpdates, report.RawUpdates);
        Row(report.Health, report.Health);
        Console.WriteLine($"mix, fault {report.Fault}: answers by status: {string.Join(", ", report.Statuses.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key}: {s.Value:N0}"))}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"mix, fault {report.Fault}: {report.Acknowledged:N0} acknowledged; {report.LostWrites} lost, {report.DoubleBooked} units booked twice, {report.HandedTwice} leads handed out twice, {report.SequenceGaps} event sequence gaps, stream: {report.StreamGaps} gaps, {report.StreamRepeats} repeats, {report.StreamsBehind} behind; {report.ServerErrors} 5xx other than 503, {report.UnavailableWithoutRetryAfter} 503 without Retry-After; recovery {(report.Recovery is { } r ? $"{r.TotalSeconds:0.0} s" : "n/a")}; slow subscriber cut off: {report.SlowSubscriberCutOff}; {(report.Consistent ? "CONSISTENT" : "INCONSISTENT")}"));
        return report.Consistent;
    }

    private static async Task<string> DatabaseAsync(string? external, LocalPostgres? local) =>
        external ?? await local!.CreateDatabaseAsync($"bench_{Guid.NewGuid():N}", CancellationToken.None);

    /// <summary>A figure of milliseconds (lower is better): its ratio is its p99 over the yardstick's p99.</summary>
    private static void LatencyRow(Measurement figure, Measurement yardstick) => Console.WriteLine(
        string.Create(CultureInfo.InvariantCulture,
            $"| {figure.Name} | — | {figure.P50Ms:0} | {figure.P95Ms:0} | {figure.P99Ms:0} | {yardstick.Name} | — | {figure.P99Ms / Math.Max(1, yardstick.P99Ms):0.0}× | — |"));

    private static void Row(Measurement figure, Measurement yardstick) => Console.WriteLine(
        string.Create(CultureInfo.InvariantCulture,
            $"| {figure.Name} | {figure.PerSecond:N0} | {figure.P50Ms:0.###} | {figure.P95Ms:0.###} | {figure.P99Ms:0.###} | {yardstick.Name} | {yardstick.PerSecond:N0} | {figure.PerSecond / yardstick.PerSecond:P0} | {HostCpu(figure)} / {HostCpu(yardstick)} |"));

    private static string HostCpu(Measurement figure) =>
        figure.HostMicrosecondsPerOperation is { } micros ? micros.ToString("0", CultureInfo.InvariantCulture) : "—";

    private static int Option(string[] args, string name, int fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
