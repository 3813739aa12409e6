using M3CoreCRM.Benchmarks;
using M3CoreCRM.Tests.Infrastructure;

namespace M3CoreCRM.Tests.Benchmarks;

/// <summary>A short run of the benchmark harness: it must work end to end and find nothing lost. Its timings mean nothing here.</summary>
[Collection(PostgresCollection.Name)]
public sealed class BenchmarkSmokeTests(PostgresFixture postgres)
{
    [Fact]
    public async Task RuntimeBenchmarkRunsEveryFigureAndLosesNothing()
    {
        var benchmark = new RuntimeBenchmark(TimeSpan.FromMilliseconds(250), readWorkers: 2, writeWorkers: 4);

        var report = await benchmark.RunAsync(await postgres.Server.CreateDatabaseAsync("bench"));

        Assert.All(
            new[] { report.DirectCalls, report.GrainReads, report.RawUpdates, report.GrainWrites, report.GrainWritesWithEvents, report.GrainWritesWithEventsOneTenant },
            figure => Assert.True(figure.Operations > 0, $"{figure.Name} did nothing"));
        Assert.Equal(0, report.LostWrites);
        Assert.Equal(0, report.SequenceGaps);
    }

    [Fact]
    public async Task InventoryBenchmarkHoldsEveryUnitForItsOwnDealAndTheHotUnitOnce()
    {
        var benchmark = new InventoryBenchmark(TimeSpan.FromMilliseconds(500), clients: 8, units: 24);

        var report = await benchmark.RunAsync(await postgres.Server.CreateDatabaseAsync("bench"));

        Assert.True(report.SpreadHolds.Operations > 0, "no holds were measured");
        Assert.True(report.HotUnitRefusals > 0, "no conflicting holds were measured");
        Assert.Equal(0, report.SpreadConflicts);
        Assert.Equal(0, report.WrongHolders);
        Assert.Equal(1, report.HotUnitWins);
    }

    [Fact]
    public async Task StreamBenchmarkDeliversEveryEventToEverySubscriberInOrder()
    {
        var benchmark = new StreamBenchmark(TimeSpan.FromMilliseconds(500), subscribers: 10, burst: 20);

        var report = await benchmark.RunAsync(await postgres.Server.CreateDatabaseAsync("bench"));

        // Every subscriber waited for every event (a wait that times out throws); and in order, once each.
        Assert.True(report.Latency.Operations > 0, "no events were timed");
        Assert.True(report.FanOut.P99Ms > 0 && report.YardstickFanOut.P99Ms > 0, "no burst latencies were measured");
        Assert.Equal(0, report.Gaps);
        Assert.Equal(0, report.Repeats);
        Assert.Equal(0, report.CutOff);
    }

    [Fact]
    public async Task ReportsBenchmarkMeasuresEveryReportOnSeededData()
    {
        var benchmark = new ReportsBenchmark(TimeSpan.FromMilliseconds(200), clients: 2, leads: 400, units: 30);

        var report = await benchmark.RunAsync(await postgres.Server.CreateDatabaseAsync("bench"));

        Assert.All(report.Reports, figure => Assert.True(figure.Operations > 0, $"{figure.Name} did nothing"));
        // Eight reports at 1 client and at 2, and the kept answers of the five of them that dashboards keep.
        Assert.Equal(21, report.Reports.Count);
        Assert.Equal(5, report.Reports.Count(figure => figure.Name.Contains("kept answer", StringComparison.Ordinal)));
        Assert.Equal(0, report.EmptyReports);
    }

    [Fact]
    public async Task MixHarnessRunsEveryOperationAndFindsNothingLostOrDoubled()
    {
        var harness = new MixBenchmark(new MixOptions(TimeSpan.FromSeconds(3), Tenants: 2, AgentsPerTenant: 2, SubscribersPerTenant: 1, LeadsPerTenant: 100, UnitsPerTenant: 10, MixFault.None));

        var report = await harness.RunAsync(await postgres.Server.CreateDatabaseAsync("bench"), server: null);

        Assert.Contains(report.Operations, o => o.Name == "log call" && o.Operations > 0);
        Assert.Contains(report.Operations, o => o.Name == "update lead" && o.Operations > 0);
        Assert.True(report.Acknowledged > 0, "nothing was acknowledged");
        Assert.True(report.Consistent, $"lost {report.LostWrites}, doubled {report.DoubleBooked}, handed twice {report.HandedTwice}, gaps {report.SequenceGaps}, stream gaps {report.StreamGaps}, repeats {report.StreamRepeats}, behind {report.StreamsBehind}, 5xx {report.ServerErrors}");
    }

    [Fact]
    public async Task ApprovalsBenchmarkAppliesEveryApprovalOnce()
    {
        var benchmark = new ApprovalsBenchmark(TimeSpan.FromMilliseconds(300), clients: 4);

        var report = await benchmark.RunAsync(await postgres.Server.CreateDatabaseAsync("bench"));

        Assert.All(new[] { report.Ungated, report.GateMissed, report.Requested, report.AwaitingList, report.Approve }, figure => Assert.True(figure.Operations > 0, $"{figure.Name} did nothing"));
        Assert.Equal(report.Opened, report.Approve.Operations);
        Assert.Equal(0, report.StillPending);
        Assert.Equal(0, report.Rejected);
        Assert.Equal(0, report.WrongDiscount);
    }

    [Fact]
    public async Task LeadsBenchmarkMeasuresEveryFigureAndHandsNoLeadTwice()
    {
        var benchmark = new LeadsBenchmark(TimeSpan.FromMilliseconds(300), clients: 4, leads: 500);

        var report = await benchmark.RunAsync(await postgres.Server.CreateDatabaseAsync("bench"));

        Assert.All(new[] { report.GetById, report.Patch, report.ListPage, report.QueueNext }, figure => Assert.True(figure.Operations > 0, $"{figure.Name} did nothing"));
        Assert.Equal(0, report.HandedTwice);
    }
}
