using System.Net.Http.Json;
using System.Text.Json;
using M3CoreCRM.Testing;

namespace M3CoreCRM.Benchmarks;

/// <summary>
/// The same request (<c>GET /api/v1/me</c>: SQL for the caller, then a grain call) through an ApiHost
/// with its silo in-process, and through an ApiHost that hosts none, to 1 and to 2 silo processes.
/// The difference in latency is the cost of the remote hop; <c>/health/live</c> is the HTTP ceiling.
/// </summary>
public sealed class ClusterBenchmark(TimeSpan duration, int clients)
{
    public async Task<ClusterReport> RunAsync(Func<Task<string>> newDatabase)
    {
        var inProcess = await MeasureAsync(await newDatabase(), silos: 0, "tenant");
        var oneSilo = await MeasureAsync(await newDatabase(), silos: 1, "tenant");
        var twoSilos = await MeasureAsync(await newDatabase(), silos: 2, "tenant");
        var twoSilosOrleans = await MeasureAsync(await newDatabase(), silos: 2, "orleans");
        return new ClusterReport(inProcess.Health, inProcess.Me, oneSilo.Me, twoSilos.Me, inProcess.Single, oneSilo.Single,
            twoSilos.Rename, twoSilosOrleans.Rename, twoSilosOrleans.Me);
    }

    /// <param name="database">A fresh database for this measurement.</param>
    /// <param name="silos">Silo processes behind a remote ApiHost, or 0 for the silo in the ApiHost's process.</param>
    /// <param name="placement"><c>tenant</c> (the product's) or <c>orleans</c> (Orleans' default placement).</param>
    private async Task<(Measurement Health, Measurement Me, Measurement Single, Measurement Rename)> MeasureAsync(string database, int silos, string placement)
    {
        var common = new Dictionary<string, string>
        {
            ["ConnectionStrings__Postgres"] = database,
            ["Orleans__Placement"] = placement,
            ["RateLimits__AuthPerAddressPerMinute"] = "10000000",
            ["RateLimits__LoginPerAccountPer15Minutes"] = "10000000",
            ["RateLimits__TenantPerSecond"] = "10000000",
            // Load tenants hold more leads, units and users than a free plan allows.
            ["Billing__DefaultPlan"] = "enterprise",
            ["RateLimits__UserPerSecond"] = "10000000",
            ["Auth__Argon2__MemoryKiB"] = "8192",
            ["Auth__Argon2__Iterations"] = "1",
        };
        var siloProcesses = new List<HostProcess>();
        try
        {
            for (var i = 0; i < silos; i++)
            {
                siloProcesses.Add(await HostProcess.StartAsync("M3CoreCRM.Silo", common));
            }

            var apiSettings = new Dictionary<string, string>(common) { ["M3_DATA_DIR"] = Path.Combine(Path.GetTempPath(), $"m3-bench-api-{Guid.NewGuid():N}") };
            if (silos > 0)
            {
                apiSettings["M3_SILO"] = "remote";
            }

            await using var api = await HostProcess.StartAsync("M3CoreCRM.ApiHost", apiSettings);
            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients * 2 }) { BaseAddress = api.Address };

            // A tenant per client, so that with two silos the load spreads over both.
            var sessions = new List<(string Slug, string Token)>();
            for (var i = 0; i < clients; i++)
            {
                var slug = $"c{i}-{Guid.NewGuid():N}"[..24];
                var response = await http.PostAsJsonAsync("/api/v1/tenants", new { name = "Bench", slug, owner = new { name = "Owner", email = $"owner@{slug}.test", password = IdentityBenchmark.Password } });
                response.EnsureSuccessStatusCode();
                sessions.Add((slug, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!));
            }

            var health = await Load.MeasureAsync("GET /health/live (yardstick)", clients, duration, _ => async () =>
                (await http.GetAsync(new Uri("/health/live", UriKind.Relative))).EnsureSuccessStatusCode());
            var where = (silos == 0 ? "silo in-process" : $"ApiHost → {silos} silo process{(silos > 1 ? "es" : "")}") + (silos > 1 ? $", {placement} placement" : "");
            var name = $"GET /me, {where}";
            Func<int, Func<ValueTask>> getMe = worker => async () =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/me");
                request.Headers.Authorization = new("Bearer", sessions[worker].Token);
                request.Headers.Add("X-Tenant-Id", sessions[worker].Slug);
                (await http.SendAsync(request)).EnsureSuccessStatusCode();
            };
            var me = await Load.MeasureAsync(name, clients, duration, getMe);

            // One client alone: latency without queueing, for the cost of the hop itself.
            var single = await Load.MeasureAsync(name + ", 1 client", 1, duration, getMe);

            // A write with an event: the user's grain, then its tenant's event relay (another grain of the tenant).
            var renames = 0;
            var rename = await Load.MeasureAsync($"PATCH /me, {where}", clients, duration, worker => async () =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Patch, "/api/v1/me") { Content = JsonContent.Create(new { name = $"Owner {Interlocked.Increment(ref renames)}" }) };
                request.Headers.Authorization = new("Bearer", sessions[worker].Token);
                request.Headers.Add("X-Tenant-Id", sessions[worker].Slug);
                (await http.SendAsync(request)).EnsureSuccessStatusCode();
            });
            return (health, me, single, rename);
        }
        finally
        {
            foreach (var silo in siloProcesses)
            {
                await silo.DisposeAsync();
            }
        }
    }
}

public sealed record ClusterReport(
    Measurement Health, Measurement InProcess, Measurement OneSilo, Measurement TwoSilos, Measurement InProcessSingle, Measurement OneSiloSingle,
    Measurement TwoSilosRename, Measurement TwoSilosRenameOrleansPlacement, Measurement TwoSilosOrleansPlacement);
