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
        var inProcess = await MeasureAsync(await newDatabase(), silos: 0);
        var oneSilo = await MeasureAsync(await newDatabase(), silos: 1);
        var twoSilos = await MeasureAsync(await newDatabase(), silos: 2);
        return new ClusterReport(inProcess.Health, inProcess.Me, oneSilo.Me, twoSilos.Me, inProcess.Single, oneSilo.Single);
    }

    private async Task<(Measurement Health, Measurement Me, Measurement Single)> MeasureAsync(string database, int silos)
    {
        var common = new Dictionary<string, string>
        {
            ["ConnectionStrings__Postgres"] = database,
            ["RateLimits__AuthPerAddressPerMinute"] = "10000000",
            ["RateLimits__LoginPerAccountPer15Minutes"] = "10000000",
            ["RateLimits__TenantPerSecond"] = "10000000",
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
            var name = silos == 0 ? "GET /me, silo in-process" : $"GET /me, ApiHost → {silos} silo process{(silos > 1 ? "es" : "")}";
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
            return (health, me, single);
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

public sealed record ClusterReport(Measurement Health, Measurement InProcess, Measurement OneSilo, Measurement TwoSilos, Measurement InProcessSingle, Measurement OneSiloSingle);
