using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using M3CoreCRM.Testing;

namespace M3CoreCRM.Benchmarks;

/// <summary>
/// Unit holds over HTTP against a real ApiHost process: spread over many units (every request a
/// committed write with its event and audit entry), and on one hot unit (one winner, the rest
/// refused by the unit's grain from memory). The yardstick is <c>/health/live</c> on the same host
/// at the same concurrency: the HTTP ceiling of this machine. Afterwards it checks that each unit
/// is held by the one deal that won it and that the hot unit was won exactly once.
/// </summary>
public sealed class InventoryBenchmark(TimeSpan duration, int clients, int units)
{
    public async Task<InventoryReport> RunAsync(string connectionString)
    {
        await using var api = await HostProcess.StartAsync("M3CoreCRM.ApiHost", HostSettings.ApiHost(connectionString));
        using var measuring = Load.Measuring(api);
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients * 2 }) { BaseAddress = api.Address };
        var slug = $"bench-{Guid.NewGuid():N}"[..24];
        var signUp = await http.PostAsJsonAsync("/api/v1/tenants", new { name = "Bench", slug, owner = new { name = "Owner", email = $"owner@{slug}.test", password = "benchmark passphrase" } });
        signUp.EnsureSuccessStatusCode();
        var token = (await signUp.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;

        async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object? body = null)
        {
            using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
            request.Headers.Authorization = new("Bearer", token);
            request.Headers.Add("X-Tenant-Id", slug);
            return await http.SendAsync(request);
        }

        async Task<Guid> CreateAsync(string path, object body)
        {
            var response = await SendAsync(HttpMethod.Post, path, body);
            response.EnsureSuccessStatusCode();
            return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        }

        await CreateAsync("/api/v1/unit-types", new { code = "2BR-A", name = "Two bedroom", category = "apartment" });
        var project = await CreateAsync("/api/v1/projects", new { name = "Benchmark Towers", code = "BENCH" });
        var unitIds = new Guid[units + 1];
        await Parallel.ForEachAsync(Enumerable.Range(0, units + 1), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, _) =>
            unitIds[i] = await CreateAsync("/api/v1/units", new
            {
                projectId = project,
                code = $"U-{i:00000}",
                typeCode = "2BR-A",
                floor = i / 20,
                dimensions = new { areaSqm = 80 + (i % 40), bedrooms = 2, bathrooms = 2, rooms = Array.Empty<object>() },
                listPrice = new { amount = 200_000m + i, currency = "USD" },
            }));
        var hot = unitIds[units];
        var pipelineId = (await (await SendAsync(HttpMethod.Get, "/api/v1/pipelines")).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("items")[0].GetProperty("id").GetGuid();
        async Task<Guid[]> DealsAsync(int count)
        {
            var created = new Guid[count];
            await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, _) =>
                created[i] = await CreateAsync("/api/v1/deals", new { title = $"Deal {i}", pipelineId, value = new { amount = 250_000m, currency = "USD" } }));
            return created;
        }

        var health = await Load.MeasureAsync("GET /health/live (yardstick)", clients, duration, _ => async () =>
            (await http.GetAsync(new Uri("/health/live", UriKind.Relative))).EnsureSuccessStatusCode());

        // Each client owns units i ≡ client (mod clients) and holds them for its own deal, round and
        // round: the first pass puts each on hold, later passes extend the hold. Every request writes.
        var deals = await DealsAsync(clients);
        var conflicts = 0L;
        var spread = await Load.MeasureAsync($"POST /units/{{id}}/hold, {clients} clients over {units:N0} units", clients, duration, worker =>
        {
            var next = worker;
            return async () =>
            {
                var unit = unitIds[next];
                next = next + clients >= units ? worker : next + clients;
                var response = await SendAsync(HttpMethod.Post, $"/api/v1/units/{unit}/hold", new { dealId = deals[worker], holdMinutes = 60 });
                if (response.StatusCode == HttpStatusCode.Conflict)
                {
                    Interlocked.Increment(ref conflicts);
                }
                else
                {
                    response.EnsureSuccessStatusCode();
                }
            };
        });

        // Each client's first try is for a real deal of its own (one of them wins); after that the unit is held, and
        // every try, for a deal id never seen before, is refused from the unit's memory before anyone looks the deal up.
        var hotDeals = await DealsAsync(clients);
        var firstTried = new bool[clients];
        var hotWins = 0L;
        var hotRefusals = 0L;
        var hotUnit = await Load.MeasureAsync($"POST /units/{{id}}/hold, {clients} clients on one unit", clients, duration, worker => async () =>
        {
            var deal = firstTried[worker] ? Guid.NewGuid() : hotDeals[worker];
            firstTried[worker] = true;
            var response = await SendAsync(HttpMethod.Post, $"/api/v1/units/{hot}/hold", new { dealId = deal, holdMinutes = 60 });
            if (response.StatusCode == HttpStatusCode.OK)
            {
                Interlocked.Increment(ref hotWins);
            }
            else if (response.StatusCode == HttpStatusCode.Conflict)
            {
                Interlocked.Increment(ref hotRefusals);
            }
            else
            {
                response.EnsureSuccessStatusCode();
            }
        });

        // The floor of an authenticated grain read over HTTP, on the same (active) unit: what a hold refused from memory compares with.
        var hotRead = await Load.MeasureAsync($"GET /units/{{id}}, {clients} clients on one unit", clients, duration, _ => async () =>
        {
            using var response = await SendAsync(HttpMethod.Get, $"/api/v1/units/{hot}");
            response.EnsureSuccessStatusCode();
        });

        var healthAfter = await Load.MeasureAsync("GET /health/live (yardstick)", clients, duration, _ => async () =>
            (await http.GetAsync(new Uri("/health/live", UriKind.Relative))).EnsureSuccessStatusCode());
        health = Load.Faster(health, healthAfter);

        // Consistency: every unit a client reached is held by that client's deal, and nothing else holds anything.
        var wrongHolder = 0;
        var board = await (await SendAsync(HttpMethod.Get, $"/api/v1/projects/{project}/availability")).Content.ReadFromJsonAsync<JsonElement>();
        foreach (var unit in board.GetProperty("floors").EnumerateArray().SelectMany(f => f.GetProperty("units").EnumerateArray()))
        {
            var index = Array.IndexOf(unitIds, unit.GetProperty("id").GetGuid());
            if (index == units || unit.GetProperty("status").GetString() != "on_hold")
            {
                continue;
            }

            if (unit.GetProperty("heldBy").GetProperty("id").GetGuid() != deals[index % clients])
            {
                wrongHolder++;
            }
        }

        return new InventoryReport(health, spread, hotUnit, hotRead, Interlocked.Read(ref conflicts), wrongHolder, Interlocked.Read(ref hotWins), Interlocked.Read(ref hotRefusals));
    }
}

public sealed record InventoryReport(Measurement Health, Measurement SpreadHolds, Measurement HotUnitHolds, Measurement HotUnitReads, long SpreadConflicts, int WrongHolders, long HotUnitWins, long HotUnitRefusals);
