using System.Text.Json;
using M3CoreCRM.Grains.Abstractions.Dashboards;
using M3CoreCRM.Grains.Abstractions.Events;
using M3CoreCRM.Grains.Abstractions.Tenancy;
using M3CoreCRM.Grains.Persistence;
using M3CoreCRM.Tests.Infrastructure;
using Npgsql;
using Orleans.Streams;

namespace M3CoreCRM.Tests.Dashboards;

/// <summary>
/// The tenant's dashboard figures grain: it keeps report answers until an event its report counts comes after them,
/// takes none read before it could have seen the events after it, and keeps nothing through a missing batch.
/// </summary>
public sealed class DashboardFiguresTests(CrmClusterFixture cluster) : IClassFixture<CrmClusterFixture>
{
    /// <summary>A report no event kind changes: its answer tells when the grain has taken in a position.</summary>
    private const string Probe = "probe";

    [Fact]
    public async Task AnAnswerIsDroppedByAnEventItsReportCountsAndKeptThroughOthers()
    {
        var tenant = Guid.CreateVersion7();
        var figures = cluster.Grains.GetGrain<IDashboardFiguresGrain>(tenant);
        Assert.True(await figures.KeepAsync("funnel", "funnel|all", 0, "funnel at 0"));
        Assert.True(await figures.KeepAsync("inventory", "inventory|all", 0, "inventory at 0"));
        Assert.Equal("funnel at 0", await figures.GetAsync("funnel|all", 0));

        // A unit changed: the inventory answer goes, the funnel's stays.
        var unitChanged = await AppendAsync(tenant, "unit.status_changed");
        Assert.Equal("funnel at 0", await Eventually.ReturnsAsync(() => figures.GetAsync("funnel|all", unitChanged), answer => answer is not null));
        Assert.Null(await figures.GetAsync("inventory|all", unitChanged));

        // An inventory answer read before that event is not taken; one read after it is.
        Assert.False(await figures.KeepAsync("inventory", "inventory|all", unitChanged - 1, "inventory before the change"));
        Assert.True(await figures.KeepAsync("inventory", "inventory|all", unitChanged, "inventory after the change"));

        // A lead changed: the funnel answer goes, the inventory's stays.
        var leadChanged = await AppendAsync(tenant, "lead.created");
        Assert.Equal("inventory after the change", await Eventually.ReturnsAsync(() => figures.GetAsync("inventory|all", leadChanged), answer => answer is not null));
        Assert.Null(await figures.GetAsync("funnel|all", leadChanged));

        // A user changed (who is counted, and whose records are in scope): every report's answer goes.
        Assert.True(await figures.KeepAsync("funnel", "funnel|all", leadChanged, "funnel after the lead"));
        Assert.True(await figures.KeepAsync(Probe, Probe, leadChanged, "probe"));
        var userChanged = await AppendAsync(tenant, "user.updated");
        await Eventually.ReturnsAsync(() => figures.GetAsync(Probe, userChanged), answer => answer is not null);
        Assert.Null(await figures.GetAsync("funnel|all", userChanged));
        Assert.Null(await figures.GetAsync("inventory|all", userChanged));
    }

    [Fact]
    public async Task AnAnswerIsNotServedForAPositionTheGrainHasNotTakenIn()
    {
        var tenant = Guid.CreateVersion7();
        var figures = cluster.Grains.GetGrain<IDashboardFiguresGrain>(tenant);
        Assert.True(await figures.KeepAsync("pipeline", "pipeline|all", 0, "pipeline at 0"));

        // A reader who saw the tenant at a later position than the grain has taken in reads afresh: the events
        // between may have changed the answer.
        Assert.Equal("pipeline at 0", await figures.GetAsync("pipeline|all", 0));
        Assert.Null(await figures.GetAsync("pipeline|all", 1));
    }

    [Fact]
    public async Task AnAnswerReadBeforeTheGrainBeganIsRefused()
    {
        var tenant = Guid.CreateVersion7();
        var latest = 0L;
        for (var i = 0; i < 3; i++)
        {
            latest = await AppendAsync(tenant, "test.appended");
        }

        // Events before its activation were never seen here, so an answer read before them could be stale.
        var figures = cluster.Grains.GetGrain<IDashboardFiguresGrain>(tenant);
        Assert.False(await figures.KeepAsync("funnel", "funnel|all", 0, "funnel before the events"));
        Assert.True(await figures.KeepAsync("funnel", "funnel|all", latest, "funnel after the events"));
        Assert.Equal("funnel after the events", await Eventually.ReturnsAsync(() => figures.GetAsync("funnel|all", latest), answer => answer is not null));
    }

    [Fact]
    public async Task AMissingBatchDropsEveryAnswer()
    {
        var tenant = Guid.CreateVersion7();
        var figures = cluster.Grains.GetGrain<IDashboardFiguresGrain>(tenant);
        var first = await AppendAsync(tenant, "test.appended");
        Assert.True(await figures.KeepAsync(Probe, Probe, first, "probe"));
        Assert.True(await figures.KeepAsync("inventory", "inventory|all", first, "inventory"));

        // A batch that does not follow the last one taken in: what came between is unknown.
        var stream = cluster.Cluster.Client.GetStreamProvider(EventStreams.Provider).GetStream<PublishedEvents>(EventStreams.For(tenant));
        using var data = JsonDocument.Parse("{}");
        await stream.OnNextAsync(new PublishedEvents([new StoredEvent(tenant, first + 2, "test.appended", "test", tenant, data.RootElement.Clone(), DateTimeOffset.UtcNow)]));
        await Eventually.ReturnsAsync(() => figures.GetAsync(Probe, first), answer => answer is null);
        Assert.Null(await figures.GetAsync("inventory|all", first));
        Assert.False(await figures.KeepAsync("inventory", "inventory|all", first + 1, "inventory read inside the gap"));
    }

    /// <summary>Appends and commits one event of <paramref name="type"/>, has the relay number and publish it, and returns its position.</summary>
    private async Task<long> AppendAsync(Guid tenant, string type)
    {
        var entityId = Guid.CreateVersion7();
        await using var connection = await cluster.DataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var append = new NpgsqlBatch(connection, transaction))
        {
            append.BatchCommands.Add(new NpgsqlBatchCommand($"SELECT set_config('{TenantSql.TenantSetting}', $1, true)") { Parameters = { new NpgsqlParameter<string> { TypedValue = tenant.ToString() } } });
            append.BatchCommands.Add(new NpgsqlBatchCommand("INSERT INTO events (tenant_id, type, entity_type, entity_id, data) VALUES ($1, $2, split_part($2, '.', 1), $3, '{}')")
            {
                Parameters =
                {
                    new NpgsqlParameter<Guid> { TypedValue = tenant },
                    new NpgsqlParameter<string> { TypedValue = type },
                    new NpgsqlParameter<Guid> { TypedValue = entityId },
                },
            });
            await append.ExecuteNonQueryAsync();
        }

        await transaction.CommitAsync();
        await cluster.Grains.GetGrain<IEventRelayGrain>(tenant, tenant).PublishAsync();
        return await cluster.EventLog.LatestSequenceAsync(tenant, CancellationToken.None);
    }
}
