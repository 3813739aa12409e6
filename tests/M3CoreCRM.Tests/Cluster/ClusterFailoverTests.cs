using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using M3CoreCRM.Silo.Hosting;
using M3CoreCRM.Testing;
using M3CoreCRM.Tests.Infrastructure;
using M3CoreCRM.Tests.Inventory;
using M3CoreCRM.Tests.Leads;
using Npgsql;
using Xunit.Abstractions;

namespace M3CoreCRM.Tests.Cluster;

/// <summary>
/// The cluster as operators run it, in real processes: three silos with the product's membership settings and two
/// API hosts that host no silo. Agents of several tenants write through both hosts while one silo is killed with
/// SIGKILL and then another is stopped with SIGTERM.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ClusterFailoverTests(PostgresFixture postgres, ITestOutputHelper output)
{
    private const string ClusterId = "failover-test";
    private static readonly TimeSpan RecoveryAim = TimeSpan.FromSeconds(10);

    private readonly ConcurrentQueue<string> _unexpected = new();
    private long _lastFailure;
    private long _acknowledged;

    [Fact]
    public async Task KilledAndStoppedSilosLoseNothingAcknowledgedAndTheirTenantsAnswerAgainWithinTenSeconds()
    {
        var database = await postgres.Server.CreateDatabaseAsync("failover");
        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings__Postgres"] = database,
            ["Orleans__ClusterId"] = ClusterId,
            ["Auth__SigningKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48)),
            ["Auth__Argon2__MemoryKiB"] = "8192",
            ["Auth__Argon2__Iterations"] = "1",
            ["RateLimits__AuthPerAddressPerMinute"] = "100000",
            ["RateLimits__UserPerSecond"] = "100000",
        };
        var silos = new Dictionary<int, HostProcess>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                var port = OrleansTestSettings.FreePort();
                silos[port] = await HostProcess.StartAsync("M3CoreCRM.Silo", new Dictionary<string, string>(settings) { ["Orleans__SiloPort"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture) });
            }

            await using var hostA = await StartApiHostAsync(settings);
            await using var hostB = await StartApiHostAsync(settings);
            using var httpA = new HttpClient { BaseAddress = hostA.Address, Timeout = TimeSpan.FromSeconds(60) };
            using var httpB = new HttpClient { BaseAddress = hostB.Address, Timeout = TimeSpan.FromSeconds(60) };
            await using var dataSource = NpgsqlDataSource.Create(database);
            Assert.Equal(3, (await SilosAsync(dataSource)).Count);

            var tenants = new List<TenantSession>();
            for (var i = 0; i < 6; i++)
            {
                tenants.Add(await TenantSession.SignUpAsync(i % 2 == 0 ? httpA : httpB));
            }

            await ContentionAndIsolationHoldThroughBothHostsAsync(tenants, httpA, httpB);

            var agents = new List<Agent>();
            foreach (var tenant in tenants)
            {
                await tenant.UnitTypeAsync();
                var unit = await tenant.UnitAsync(await tenant.ProjectAsync(), "HOT-1");
                foreach (var http in new[] { httpA, httpB, httpA, httpB })
                {
                    agents.Add(new Agent(tenant with { Http = http }, await tenant.LeadIdAsync(), await tenant.DealIdAsync(), unit));
                }
            }

            using var stop = new CancellationTokenSource();
            var load = Task.WhenAll(agents.Select(agent => Task.Run(() => WorkAsync(agent, stop.Token))));
            await Eventually.TrueAsync(() => Interlocked.Read(ref _acknowledged) > 200, TimeSpan.FromSeconds(60));

            // SIGKILL the silo that holds the first tenant's grains: nothing of it shuts down.
            var owner = TenantPlacement.SiloOf(TenantGrainId(tenants[0].TenantId), [.. (await SilosAsync(dataSource)).Values]);
            var killed = silos[owner.Endpoint.Port];
            var killedAt = Stopwatch.GetTimestamp();
            await killed.KillAsync();
            var answeredAfterKill = await AnswersAgainAsync(agents.Where(a => a.Tenant.TenantId == tenants[0].TenantId), killedAt);
            await Eventually.ReturnsAsync(async () => (await SilosAsync(dataSource)).Count, active => active == 2, TimeSpan.FromSeconds(30));
            await Task.Delay(TimeSpan.FromSeconds(3));
            var killOutage = OutageSince(killedAt);

            // SIGTERM another: it leaves the cluster, and its grains come back on the last silo.
            var stopped = silos.First(s => s.Value != killed && !s.Value.HasExited).Value;
            var stoppedAt = Stopwatch.GetTimestamp();
            Assert.Equal(0, await stopped.TerminateAsync(TimeSpan.FromSeconds(60)));
            Assert.Single(await SilosAsync(dataSource));
            var answeredAfterStop = await AnswersAgainAsync(agents, stoppedAt);
            await Task.Delay(TimeSpan.FromSeconds(3));
            var stopOutage = OutageSince(stoppedAt);

            await stop.CancelAsync();
            await load;

            output.WriteLine($"SIGKILL: failures for {killOutage.TotalSeconds:0.0} s, the tenant answered again after {answeredAfterKill.TotalSeconds:0.0} s; " +
                $"SIGTERM: failures for {stopOutage.TotalSeconds:0.0} s, every agent answered again after {answeredAfterStop.TotalSeconds:0.0} s; {Interlocked.Read(ref _acknowledged)} acknowledged");
            Assert.True(killOutage < RecoveryAim, $"clients saw failures for {killOutage.TotalSeconds:0.0} s after the kill");
            Assert.True(answeredAfterKill < RecoveryAim, $"the killed silo's tenant answered again after {answeredAfterKill.TotalSeconds:0.0} s");
            Assert.True(stopOutage < RecoveryAim, $"clients saw failures for {stopOutage.TotalSeconds:0.0} s after SIGTERM");
            Assert.True(answeredAfterStop < RecoveryAim, $"every agent answered again after {answeredAfterStop.TotalSeconds:0.0} s");
            Assert.Empty(_unexpected);
            await AssertNothingLostOrDoubledAsync(dataSource, tenants, agents);
        }
        finally
        {
            foreach (var silo in silos.Values)
            {
                await silo.DisposeAsync();
            }
        }
    }

    private static Task<HostProcess> StartApiHostAsync(Dictionary<string, string> settings) =>
        HostProcess.StartAsync("M3CoreCRM.ApiHost", new Dictionary<string, string>(settings)
        {
            ["M3_SILO"] = "remote",
            ["M3_DATA_DIR"] = Path.Combine(Path.GetTempPath(), $"m3-failover-{Guid.NewGuid():N}"),
        });

    /// <summary>One hot unit, ten deals across both hosts holding it at once: one wins. A tenant's records stay its own on either host.</summary>
    private static async Task ContentionAndIsolationHoldThroughBothHostsAsync(List<TenantSession> tenants, HttpClient httpA, HttpClient httpB)
    {
        var tenant = tenants[0];
        await tenant.UnitTypeAsync("RACE");
        var unit = await tenant.UnitAsync(await tenant.ProjectAsync("RACE"), "RACE-1", typeCode: "RACE");
        var deals = await tenant.DealIdsAsync(10);
        var holds = await Task.WhenAll(deals.Select((deal, i) =>
            (tenant with { Http = i % 2 == 0 ? httpA : httpB }).SendAsync(HttpMethod.Post, $"/api/v1/units/{unit}/hold", new { dealId = deal, holdMinutes = 10 })));
        Assert.Single(holds, r => r.StatusCode == HttpStatusCode.OK);
        Assert.Equal(9, holds.Count(r => r.StatusCode == HttpStatusCode.Conflict));

        var other = tenants[1];
        var othersLead = await other.LeadIdAsync();
        foreach (var http in new[] { httpA, httpB })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await (tenant with { Http = http }).SendAsync(HttpMethod.Get, $"/api/v1/leads/{othersLead}")).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await http.SendAsync(tenant.Request(HttpMethod.Get, $"/api/v1/leads/{othersLead}", tenantHeader: other.Slug))).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await (other with { Http = http }).SendAsync(HttpMethod.Get, $"/api/v1/leads/{othersLead}")).StatusCode);
        }
    }

    /// <summary>
    /// An agent's loop: write its lead's notes (the next number each time), then try the tenant's hot unit for its deal
    /// and release it when it got it. Every answer is 2xx, 409 (the unit is someone else's), or 503 with Retry-After.
    /// </summary>
    private async Task WorkAsync(Agent agent, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var value = ++agent.Sent;
            var patch = await SendAsync(agent, HttpMethod.Patch, $"/api/v1/leads/{agent.Lead}", new { notes = $"n{value}" });
            if (patch == HttpStatusCode.OK)
            {
                agent.Acknowledged = value;
            }

            if (await SendAsync(agent, HttpMethod.Post, $"/api/v1/units/{agent.Unit}/hold", new { dealId = agent.Deal, holdMinutes = 10 }) == HttpStatusCode.OK)
            {
                await SendAsync(agent, HttpMethod.Post, $"/api/v1/units/{agent.Unit}/release", new { reason = "Next agent" });
            }
        }
    }

    private async Task<HttpStatusCode?> SendAsync(Agent agent, HttpMethod method, string path, object body)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var response = await agent.Tenant.SendAsync(method, path, body);
            switch (response.StatusCode)
            {
                case HttpStatusCode.OK:
                    Interlocked.Increment(ref _acknowledged);
                    agent.LastSuccessStarted = started;
                    break;
                case HttpStatusCode.Conflict:
                    agent.LastSuccessStarted = started;
                    break;
                case HttpStatusCode.ServiceUnavailable when response.Headers.RetryAfter is not null:
                    Failed();
                    break;
                default:
                    _unexpected.Enqueue($"{method} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                    break;
            }

            return response.StatusCode;
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            Failed();
            return null;
        }
    }

    private void Failed() => Interlocked.Exchange(ref _lastFailure, Stopwatch.GetTimestamp());

    private TimeSpan OutageSince(long start) =>
        Interlocked.Read(ref _lastFailure) is var last && last > start ? Stopwatch.GetElapsedTime(start, last) : TimeSpan.Zero;

    /// <summary>How long after <paramref name="since"/> every one of <paramref name="agents"/> had been answered (not failed) a request sent after it.</summary>
    private static async Task<TimeSpan> AnswersAgainAsync(IEnumerable<Agent> agents, long since)
    {
        var waiting = agents.ToList();
        await Eventually.TrueAsync(() => waiting.All(a => a.LastSuccessStarted > since), TimeSpan.FromSeconds(60));
        return Stopwatch.GetElapsedTime(since);
    }

    private static async Task AssertNothingLostOrDoubledAsync(NpgsqlDataSource dataSource, List<TenantSession> tenants, List<Agent> agents)
    {
        foreach (var tenant in tenants)
        {
            await using var connection = await dataSource.OpenConnectionAsync();
            await using (var scope = new NpgsqlCommand("SELECT set_config('m3.tenant_id', $1, false)", connection))
            {
                scope.Parameters.AddWithValue(tenant.TenantId.ToString());
                await scope.ExecuteNonQueryAsync();
            }

            // Every acknowledged note is stored, or a later one whose answer never came.
            foreach (var agent in agents.Where(a => a.Tenant.TenantId == tenant.TenantId))
            {
                await using var read = new NpgsqlCommand("SELECT state ->> 'notes' FROM leads WHERE tenant_id = $1 AND id = $2", connection);
                read.Parameters.AddWithValue(tenant.TenantId);
                read.Parameters.AddWithValue(agent.Lead);
                var stored = int.Parse(((string)(await read.ExecuteScalarAsync())!)[1..], System.Globalization.CultureInfo.InvariantCulture);
                Assert.InRange(stored, agent.Acknowledged, agent.Sent);
            }

            // Every event is numbered, without a gap, once the tenant's relay has caught up.
            await using var positions = new NpgsqlCommand(
                "SELECT count(*) FILTER (WHERE seq IS NULL), coalesce(max(seq), 0) - count(seq) FROM events WHERE tenant_id = $1", connection);
            positions.Parameters.AddWithValue(tenant.TenantId);
            var (unnumbered, missing) = await Eventually.ReturnsAsync(
                async () =>
                {
                    await using var counts = await positions.ExecuteReaderAsync();
                    await counts.ReadAsync();
                    return (counts.GetInt64(0), counts.GetInt64(1));
                },
                result => result == (0, 0),
                TimeSpan.FromSeconds(30));
            Assert.Equal((0L, 0L), (unnumbered, missing));

            // Each unit's status changes chain: none was ever held by two deals at once.
            await using var events = new NpgsqlCommand("""
                SELECT entity_id, data ->> 'previousStatus', data ->> 'status' FROM events
                WHERE tenant_id = $1 AND type = 'unit.status_changed' ORDER BY entity_id, seq
                """, connection);
            events.Parameters.AddWithValue(tenant.TenantId);
            await using var reader = await events.ExecuteReaderAsync();
            var statuses = new Dictionary<Guid, string>();
            var changes = 0;
            while (await reader.ReadAsync())
            {
                var unit = reader.GetGuid(0);
                Assert.Equal(statuses.GetValueOrDefault(unit, "available"), reader.GetString(1));
                statuses[unit] = reader.GetString(2);
                changes++;
            }

            Assert.True(changes > 0, $"tenant {tenant.Slug}: the hot unit never changed");
        }
    }

    private static GrainId TenantGrainId(Guid tenant) => GrainId.Create("tenant", $"{tenant:N}+{tenant:N}");

    /// <summary>The cluster's active silos, by silo port.</summary>
    private static async Task<Dictionary<int, SiloAddress>> SilosAsync(NpgsqlDataSource dataSource)
    {
        await using var command = dataSource.CreateCommand("SELECT address, port, generation FROM orleansmembershiptable WHERE deploymentid = $1 AND status = 3");
        command.Parameters.AddWithValue(ClusterId);
        await using var reader = await command.ExecuteReaderAsync();
        var silos = new Dictionary<int, SiloAddress>();
        while (await reader.ReadAsync())
        {
            silos[reader.GetInt32(1)] = SiloAddress.New(new IPEndPoint(IPAddress.Parse(reader.GetString(0)), reader.GetInt32(1)), reader.GetInt32(2));
        }

        return silos;
    }

    private sealed class Agent(TenantSession tenant, Guid lead, Guid deal, Guid unit)
    {
        public TenantSession Tenant { get; } = tenant;

        public Guid Lead { get; } = lead;

        public Guid Deal { get; } = deal;

        public Guid Unit { get; } = unit;

        public int Sent { get; set; }

        public int Acknowledged { get; set; }

        /// <summary>When the agent's last answered (2xx or 409) request was sent.</summary>
        public long LastSuccessStarted { get; set; }
    }
}
