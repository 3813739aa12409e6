using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Bogus;
using M3CoreCRM.Testing;
using Npgsql;

namespace M3CoreCRM.Benchmarks;

public sealed record LeadsReport(Measurement GetById, Measurement GetWorking, Measurement Patch, Measurement ListPage, Measurement QueueNext, Measurement Health, int Leads, long HandedTwice);

/// <summary>
/// Leads over HTTP against a real ApiHost process, on a tenant seeded with <c>leads</c> leads made up by
/// Bogus (written straight into the leads table, in the shape the lead grain stores). Measured at
/// <c>clients</c> concurrent clients: GET one lead, PATCH one lead, a list page of 50 with a filter,
/// and a call queue's <c>next</c>. The yardstick is <c>/health/live</c> on the same host at the same
/// concurrency. Afterwards it checks that no lead was handed out twice by the queue.
/// </summary>
public sealed class LeadsBenchmark(TimeSpan duration, int clients, int leads)
{
    private static readonly string[] Sources = ["web", "referral", "walk_in", "phone", "social"];
    private static readonly string[] Statuses = ["new", "contacted", "qualified"];
    private const int WorkingLeads = 1000;

    public async Task<LeadsReport> RunAsync(string connectionString)
    {
        await using var api = await HostProcess.StartAsync("M3CoreCRM.ApiHost", HostSettings.ApiHost(connectionString));
        using var measuring = Load.Measuring(api);
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients * 2 }) { BaseAddress = api.Address };
        var slug = $"bench-{Guid.NewGuid():N}"[..24];
        var signUp = await http.PostAsJsonAsync("/api/v1/tenants", new { name = "Bench", slug, owner = new { name = "Owner", email = $"owner@{slug}.test", password = "benchmark passphrase" } });
        signUp.EnsureSuccessStatusCode();
        var body = await signUp.Content.ReadFromJsonAsync<JsonElement>();
        var token = body.GetProperty("accessToken").GetString()!;
        var tenantId = body.GetProperty("tenant").GetProperty("id").GetGuid();
        var ownerId = body.GetProperty("user").GetProperty("id").GetGuid();

        HttpRequestMessage Request(HttpMethod method, string path, object? content = null)
        {
            var request = new HttpRequestMessage(method, path) { Content = content is null ? null : JsonContent.Create(content) };
            request.Headers.Authorization = new("Bearer", token);
            request.Headers.Add("X-Tenant-Id", slug);
            return request;
        }

        Guid groupId;
        using (var groupResponse = await http.SendAsync(Request(HttpMethod.Post, "/api/v1/groups", new { name = "Callers", memberIds = new[] { ownerId } })))
        {
            groupResponse.EnsureSuccessStatusCode();
            groupId = (await groupResponse.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        }

        var ids = await SeedAsync(connectionString, tenantId, ownerId, groupId, leads);
        using (var queueResponse = await http.SendAsync(Request(HttpMethod.Post, "/api/v1/call-queues", new { name = "Bench queue", groupId, filter = new { statuses = new[] { "new" } }, maxAttempts = 3 })))
        {
            queueResponse.EnsureSuccessStatusCode();
        }

        var queueId = (await (await http.SendAsync(Request(HttpMethod.Get, "/api/v1/call-queues"))).Content.ReadFromJsonAsync<JsonElement>())
            .GetProperty("items")[0].GetProperty("id").GetGuid();

        async Task SendAsync(HttpRequestMessage request, HttpStatusCode expected = HttpStatusCode.OK)
        {
            using (request)
            using (var response = await http.SendAsync(request))
            {
                if (response.StatusCode != expected)
                {
                    throw new InvalidOperationException($"{request.Method} {request.RequestUri}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                }
            }
        }

        var health = await Load.MeasureAsync($"GET /health/live (yardstick), {clients} clients", clients, duration, _ => async () =>
            (await http.GetAsync(new Uri("/health/live", UriKind.Relative))).EnsureSuccessStatusCode());
        var getById = await Load.MeasureAsync($"GET /leads/{{id}}, {clients} clients, {leads:N0} leads", clients, duration, worker =>
        {
            var random = new Random(worker);
            return async () => await SendAsync(Request(HttpMethod.Get, $"/api/v1/leads/{ids[random.Next(ids.Length)]}"));
        });
        // The leads a team is working right now: their grains are active (the warm-up reads them all), so a read is
        // answered from memory. The figure above reads 100,000 leads at random: nearly every read activates a grain.
        var working = ids[..Math.Min(WorkingLeads, ids.Length)];
        var getWorking = await Load.MeasureAsync($"GET /leads/{{id}}, {clients} clients, {working.Length:N0} leads being worked", clients, duration, worker =>
        {
            var random = new Random(500 + worker);
            return async () => await SendAsync(Request(HttpMethod.Get, $"/api/v1/leads/{working[random.Next(working.Length)]}"));
        });
        var patch = await Load.MeasureAsync($"PATCH /leads/{{id}}, {clients} clients", clients, duration, worker =>
        {
            var random = new Random(1000 + worker);
            var n = 0;
            return async () => await SendAsync(Request(HttpMethod.Patch, $"/api/v1/leads/{ids[random.Next(ids.Length)]}", new { notes = $"Bench note {worker}-{n++}" }));
        });
        var list = await Load.MeasureAsync($"GET /leads?status=new&source=…&limit=50, {clients} clients", clients, duration, worker =>
        {
            var n = worker;
            return async () => await SendAsync(Request(HttpMethod.Get, $"/api/v1/leads?status=new&source={Sources[n++ % Sources.Length]}&limit=50"));
        });

        var handed = new System.Collections.Concurrent.ConcurrentDictionary<Guid, int>();
        var next = await Load.MeasureAsync($"POST /call-queues/{{id}}/next, {clients} clients", clients, duration, _ => async () =>
        {
            using var request = Request(HttpMethod.Post, $"/api/v1/call-queues/{queueId}/next", new { lockMinutes = 60 });
            using var response = await http.SendAsync(request);
            response.EnsureSuccessStatusCode();
            if (response.StatusCode == HttpStatusCode.OK)
            {
                var lead = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
                handed.AddOrUpdate(lead, 1, (_, count) => count + 1);
            }
        });

        var healthAfter = await Load.MeasureAsync($"GET /health/live (yardstick), {clients} clients", clients, duration, _ => async () =>
            (await http.GetAsync(new Uri("/health/live", UriKind.Relative))).EnsureSuccessStatusCode());
        health = Load.Faster(health, healthAfter);

        return new LeadsReport(getById, getWorking, patch, list, next, health, leads, handed.Values.Count(count => count > 1));
    }

    /// <summary>Writes <paramref name="leads"/> leads in batches, as the lead grain would store them, newest first in creation order.</summary>
    internal static async Task<Guid[]> SeedAsync(string connectionString, Guid tenantId, Guid ownerId, Guid? groupId, int leads)
    {
        var faker = new Faker("en") { Random = new Randomizer(7) };
        var ids = new Guid[leads];
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        const int batchSize = 5000;
        for (var start = 0; start < leads; start += batchSize)
        {
            var count = Math.Min(batchSize, leads - start);
            var rowIds = new Guid[count];
            var states = new string[count];
            for (var i = 0; i < count; i++)
            {
                var n = start + i;
                rowIds[i] = ids[n] = Guid.CreateVersion7();
                var created = DateTime.UtcNow.AddMinutes(-n).ToString("O", CultureInfo.InvariantCulture);
                var status = Statuses[n % Statuses.Length];
                states[i] = JsonSerializer.Serialize(new
                {
                    name = faker.Name.FullName(),
                    phone = "+9715" + n.ToString("D8", CultureInfo.InvariantCulture),
                    email = $"lead{n}@{faker.Internet.DomainName()}".ToLowerInvariant(),
                    source = Sources[n % Sources.Length],
                    status,
                    statusCategory = "open",
                    ownerId,
                    groupId,
                    budget = new { amount = faker.Random.Int(300, 5000) * 1000m, currency = "AED" },
                    interest = (object?)null,
                    tags = n % 10 == 0 ? new[] { "vip" } : [],
                    notes = faker.Lorem.Sentence(),
                    allowDuplicate = false,
                    deleted = false,
                    calls = new { attempts = 0, done = false },
                    createdAt = created,
                    updatedAt = created,
                });
            }

            await Seeding.InsertStatesAsync(dataSource, tenantId, "leads", rowIds, states);
        }

        await using (var analyze = dataSource.CreateCommand("ANALYZE leads"))
        {
            await analyze.ExecuteNonQueryAsync();
        }

        return ids;
    }
}
