using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using M3CoreCRM.ApiHost.Reports;
using M3CoreCRM.Testing;
using Npgsql;

namespace M3CoreCRM.Benchmarks;

public sealed record ReportsReport(IReadOnlyList<Measurement> Reports, Measurement Health, int Leads, int Units, int Deals, int Activities, int EmptyReports);

/// <summary>
/// Each report over HTTP against a real ApiHost process, on one tenant with <c>leads</c> leads, <c>units</c> units,
/// a tenth as many deals as leads and as many activities as leads, spread over 20 agents. Leads, deals and
/// activities are written straight into their tables in the shape their grains store; units go through the API.
/// The yardstick is <c>/health/live</c> at the same concurrency. Afterwards it checks that every report had rows.
/// </summary>
public sealed class ReportsBenchmark(TimeSpan duration, int clients, int leads, int units)
{
    private static readonly string[] Statuses = ["new", "contacted", "qualified", "won", "lost"];
    private static readonly string[] Outcomes = ["answered", "no_answer", "busy", "callback", "interested", "not_interested", "wrong_number"];
    private static readonly string[] UnitStatuses = ["available", "available", "available", "on_hold", "reserved", "sold"];

    public async Task<ReportsReport> RunAsync(string connectionString)
    {
        await using var api = await HostProcess.StartAsync("M3CoreCRM.ApiHost", HostSettings.ApiHost(connectionString));
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Math.Max(clients, 16) * 2 }) { BaseAddress = api.Address };
        var tenant = await BenchTenant.SignUpAsync(http, "Bench Realty");
        var tenantId = tenant.TenantId;
        var agentRole = await tenant.RoleAsync("agent");
        var agents = new Guid[20];
        for (var i = 0; i < agents.Length; i++)
        {
            agents[i] = (await tenant.SendAsync(HttpMethod.Post, "/api/v1/users", new { name = $"Agent {i:00}", email = $"agent{i}@{tenant.Slug}.test", roleIds = new[] { agentRole } })).GetProperty("id").GetGuid();
        }

        var group = (await tenant.SendAsync(HttpMethod.Post, "/api/v1/groups", new { name = "Team", memberIds = agents.Take(10).ToArray() })).GetProperty("id").GetGuid();
        var pipeline = await tenant.SendAsync(HttpMethod.Post, "/api/v1/pipelines", new
        {
            name = "Sales",
            stages = new object[] { new { name = "Enquiry", probability = 10 }, new { name = "Viewing", probability = 30 }, new { name = "Offer", probability = 60 }, new { name = "Reservation", probability = 90 } },
        });
        var pipelineId = pipeline.GetProperty("id").GetGuid();
        var stages = pipeline.GetProperty("stages").EnumerateArray().Select(s => s.GetProperty("id").GetGuid()).ToArray();

        await tenant.SendAsync(HttpMethod.Post, "/api/v1/unit-types", new { code = "2BR-A", name = "Two bedroom", category = "apartment" });
        var projects = new Guid[10];
        for (var i = 0; i < projects.Length; i++)
        {
            projects[i] = (await tenant.SendAsync(HttpMethod.Post, "/api/v1/projects", new { name = $"Tower {i}", code = $"T{i}" })).GetProperty("id").GetGuid();
        }

        var holdingDeal = (await tenant.SendAsync(HttpMethod.Post, "/api/v1/deals", new { title = "Holding deal", pipelineId, value = new { amount = 1m, currency = "AED" } })).GetProperty("id").GetGuid();
        await Parallel.ForEachAsync(Enumerable.Range(0, units), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, _) =>
        {
            var id = (await tenant.SendAsync(HttpMethod.Post, "/api/v1/units", new
            {
                projectId = projects[i % projects.Length],
                code = $"U-{i:00000}",
                typeCode = "2BR-A",
                floor = i / 40,
                dimensions = new { areaSqm = 70 + (i % 60), bedrooms = 1 + (i % 4), bathrooms = 1 + (i % 3), rooms = Array.Empty<object>() },
                listPrice = new { amount = 400_000m + (i % 500) * 1000m, currency = "AED" },
            })).GetProperty("id").GetGuid();
            if (UnitStatuses[i % UnitStatuses.Length] != "available")
            {
                await tenant.SendAsync(HttpMethod.Post, $"/api/v1/units/{id}/hold", new { dealId = holdingDeal, holdMinutes = 10_000 });
            }
        });

        var deals = leads / 10;
        await using (var dataSource = NpgsqlDataSource.Create(connectionString))
        {
            var now = DateTime.UtcNow;
            await InsertAsync(dataSource, tenantId, "leads", leads, n =>
            {
                var created = now.AddMinutes(-n * 5.0);
                var status = Statuses[n % Statuses.Length];
                return new
                {
                    name = $"Lead {n}", phone = "+9715" + n.ToString("D8", CultureInfo.InvariantCulture), email = $"lead{n}@bench.test", source = "web", status,
                    statusCategory = status is "won" or "lost" ? status : "open", ownerId = agents[n % agents.Length], groupId = (Guid?)null, tags = Array.Empty<string>(),
                    allowDuplicate = false, deleted = false, calls = new { attempts = 0, done = false },
                    conversion = n % 20 == 0 ? new { contactId = Guid.CreateVersion7(), companyId = (Guid?)null, dealId = (Guid?)null, convertedAt = created.AddDays(1) } : null,
                    createdAt = created, updatedAt = created,
                };
            });
            await InsertAsync(dataSource, tenantId, "deals", deals, n =>
            {
                var created = now.AddMinutes(-n * 30.0);
                var status = (n % 10) switch { < 7 => "open", < 9 => "won", _ => "lost" };
                return new
                {
                    title = $"Deal {n}", pipelineId, stageId = stages[n % stages.Length], value = new { amount = 500_000m + (n % 100) * 10_000m, currency = "AED" },
                    unitIds = Array.Empty<Guid>(), ownerId = agents[n % agents.Length], discountPercent = 0m, status, closedAt = status == "open" ? (DateTime?)null : created.AddDays(3),
                    deleted = false, createdAt = created, updatedAt = created,
                };
            });
            await InsertAsync(dataSource, tenantId, "activities", leads, n =>
            {
                var call = n % 5 != 0;
                return new
                {
                    type = call ? "call" : "note", subject = new { type = "lead", id = Guid.CreateVersion7() }, at = now.AddMinutes(-n * 0.8),
                    outcome = call ? Outcomes[n % Outcomes.Length] : null, ownerId = agents[n % agents.Length], createdAt = now,
                };
            });
            // What autovacuum does after a bulk load, done now: statistics, and the visibility map that lets the reports' covering indexes answer alone.
            foreach (var table in new[] { "leads", "deals", "activities", "units" })
            {
                await using var vacuum = dataSource.CreateCommand($"VACUUM (ANALYZE) {table}");
                await vacuum.ExecuteNonQueryAsync();
            }
        }

        var health = await Load.MeasureAsync($"GET /health/live (yardstick), {clients} clients", clients, duration, _ => async () =>
            (await http.GetAsync(new Uri("/health/live", UriKind.Relative))).EnsureSuccessStatusCode());
        var figures = new List<Measurement>();
        var empty = 0;
        var month = $"from={MonthAgo()}";
        foreach (var (name, query) in new[]
                 {
                     ("pipeline", ""), ("funnel", ""), ("funnel", $"?groupId={group}"), ("agents", "?" + month), ("inventory", ""), ("activity", ""), ("pipeline", "?format=csv"), ("funnel", "?format=pdf"),
                 })
        {
            var path = $"/api/v1/reports/{name}{query}";
            if (!query.Contains("format", StringComparison.Ordinal) && (await tenant.SendAsync(HttpMethod.Get, path)).GetProperty("rows").GetArrayLength() == 0)
            {
                empty++;
            }

            var shown = $"GET /reports/{name}{query.Replace(month, "from=(30 days ago)", StringComparison.Ordinal).Replace(group.ToString(), "(a group of 10 agents)", StringComparison.Ordinal)}";
            // Each request a filter of its own (a `to` beyond now, which changes no figure), so that a report whose
            // answers dashboards keep is run every time; then, for those, the same report asked alike each time.
            var kept = ReportAnswers.Kept.Contains(name) && !query.Contains("format", StringComparison.Ordinal);
            var asked = 0L;
            string Afresh() => kept ? $"{path}{(query.Length == 0 ? "?" : "&")}to={DateTime.UtcNow.AddDays(1).AddTicks(Interlocked.Increment(ref asked)):O}" : path;
            figures.Add(await Load.MeasureAsync($"{shown}, 1 client", 1, duration, _ => async () => await tenant.SendAsync(HttpMethod.Get, Afresh())));
            figures.Add(await Load.MeasureAsync($"{shown}, {clients} clients", clients, duration, _ => async () => await tenant.SendAsync(HttpMethod.Get, Afresh())));
            if (kept)
            {
                figures.Add(await Load.MeasureAsync($"{shown}, its kept answer, {clients} clients", clients, duration, _ => async () => await tenant.SendAsync(HttpMethod.Get, path)));
            }
        }

        return new ReportsReport(figures, health, leads, units, deals, leads, empty);

        static string MonthAgo() => DateTime.UtcNow.AddDays(-30).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
    }

    /// <summary>Writes rows in batches of 5,000, each state made by <paramref name="state"/> from its number.</summary>
    private static async Task InsertAsync(NpgsqlDataSource dataSource, Guid tenantId, string table, int count, Func<int, object> state)
    {
        const int batchSize = 5000;
        for (var start = 0; start < count; start += batchSize)
        {
            var size = Math.Min(batchSize, count - start);
            var ids = new Guid[size];
            var states = new string[size];
            for (var i = 0; i < size; i++)
            {
                ids[i] = Guid.CreateVersion7();
                states[i] = JsonSerializer.Serialize(state(start + i), JsonSerializerOptions.Web);
            }

            await Seeding.InsertStatesAsync(dataSource, tenantId, table, ids, states);
        }
    }
}
