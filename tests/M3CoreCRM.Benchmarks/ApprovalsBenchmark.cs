using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using M3CoreCRM.Testing;

namespace M3CoreCRM.Benchmarks;

/// <summary>
/// What approval policies cost the actions they may gate, over HTTP against a real ApiHost process, one tenant,
/// each client on a deal of its own. The yardstick is the same discount change with no policy at all (a committed
/// write with its event); the figures are that change under a policy it does not meet (the gate's lookup added),
/// a change the policy holds back (an approval opened, 202), the approver's awaiting list with those approvals
/// pending, and the last approval of each (the deal's grain re-checks and applies it). Afterwards every approval
/// must be approved and applied once.
/// </summary>
public sealed class ApprovalsBenchmark(TimeSpan duration, int clients)
{
    public async Task<ApprovalsReport> RunAsync(string connectionString)
    {
        await using var api = await HostProcess.StartAsync("M3CoreCRM.ApiHost", HostSettings.ApiHost(connectionString));
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients * 2 }) { BaseAddress = api.Address };
        var slug = $"bench-{Guid.NewGuid():N}"[..24];
        var signUp = await http.PostAsJsonAsync("/api/v1/tenants", new { name = "Bench", slug, owner = new { name = "Owner", email = $"owner@{slug}.test", password = "benchmark passphrase" } });
        signUp.EnsureSuccessStatusCode();
        var ownerToken = (await signUp.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;

        async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object? body = null, string? token = null)
        {
            using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
            request.Headers.Authorization = new("Bearer", token ?? ownerToken);
            request.Headers.Add("X-Tenant-Id", slug);
            return await http.SendAsync(request);
        }

        async Task<JsonElement> JsonAsync(HttpMethod method, string path, object? body = null, string? token = null)
        {
            var response = await SendAsync(method, path, body, token);
            response.EnsureSuccessStatusCode();
            return await response.Content.ReadFromJsonAsync<JsonElement>();
        }

        var roles = await JsonAsync(HttpMethod.Get, "/api/v1/roles");
        var managerRole = roles.GetProperty("items").EnumerateArray().First(r => r.GetProperty("name").GetString() == "sales_manager").GetProperty("id").GetGuid();
        await JsonAsync(HttpMethod.Post, "/api/v1/users", new { name = "Manager", email = $"manager@{slug}.test", password = "benchmark passphrase", roleIds = new[] { managerRole } });
        using var login = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/login") { Content = JsonContent.Create(new { email = $"manager@{slug}.test", password = "benchmark passphrase" }) };
        login.Headers.Add("X-Tenant-Id", slug);
        var managerToken = (await (await http.SendAsync(login)).EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;

        var pipeline = await JsonAsync(HttpMethod.Post, "/api/v1/pipelines", new { name = "Sales", stages = new[] { new { name = "Enquiry" }, new { name = "Offer" } } });
        var deals = new Guid[clients];
        for (var i = 0; i < clients; i++)
        {
            deals[i] = (await JsonAsync(HttpMethod.Post, "/api/v1/deals", new { title = $"Deal {i}", pipelineId = pipeline.GetProperty("id").GetGuid(), value = new { amount = 1_000_000m, currency = "USD" } }))
                .GetProperty("id").GetGuid();
        }

        // Each call changes the discount (1 ↔ 2 %), so every request is a committed write.
        Func<int, Func<ValueTask>> smallDiscounts = worker =>
        {
            var percent = 1;
            return async () =>
            {
                percent = 3 - percent;
                (await SendAsync(HttpMethod.Post, $"/api/v1/deals/{deals[worker]}/discount", new { discountPercent = percent })).EnsureSuccessStatusCode();
            };
        };
        var ungated = await Load.MeasureAsync("POST /deals/{id}/discount, no policy (yardstick)", clients, duration, smallDiscounts);

        await JsonAsync(HttpMethod.Post, "/api/v1/approval-policies", new
        {
            name = "Large discounts", action = "deal.discount", condition = new { field = "discountPercent", op = "gt", value = 10 }, approverRoleIds = new[] { managerRole },
        });
        var gateMissed = await Load.MeasureAsync("POST /deals/{id}/discount, under a policy it does not meet", clients, duration, smallDiscounts);

        var pending = new ConcurrentQueue<(Guid Approval, int Deal)>();
        var requested = await Load.MeasureAsync("POST /deals/{id}/discount held back for approval (202)", clients, duration, worker => async () =>
        {
            var response = await SendAsync(HttpMethod.Post, $"/api/v1/deals/{deals[worker]}/discount", new { discountPercent = 25 });
            if (response.StatusCode != HttpStatusCode.Accepted)
            {
                throw new InvalidOperationException($"A gated discount answered {(int)response.StatusCode}.");
            }

            pending.Enqueue(((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("approvalId").GetGuid(), worker));
        });
        var opened = pending.Count;

        var awaitingList = await Load.MeasureAsync($"GET /approvals?mine=awaiting (limit 50 of {opened:N0} pending)", clients, duration, _ => async () =>
            (await SendAsync(HttpMethod.Get, "/api/v1/approvals?mine=awaiting&limit=50", token: managerToken)).EnsureSuccessStatusCode());

        var approvedDeals = new ConcurrentDictionary<int, byte>();
        var approve = await DrainAsync($"POST /approvals/{{id}}/approve, last level (applies the discount), {opened:N0} approvals", clients, pending, async item =>
        {
            var decided = await JsonAsync(HttpMethod.Post, $"/api/v1/approvals/{item.Approval}/approve", new { }, managerToken);
            if (decided.GetProperty("status").GetString() == "approved")
            {
                approvedDeals[item.Deal] = 0;
            }
        });

        // Consistency: nothing left pending or rejected, every approved deal at the approved discount, every approval applied once.
        var stillPending = (await JsonAsync(HttpMethod.Get, "/api/v1/approvals?status=pending&limit=200")).GetProperty("items").GetArrayLength();
        var rejected = (await JsonAsync(HttpMethod.Get, "/api/v1/approvals?status=rejected&limit=200")).GetProperty("items").GetArrayLength();
        var wrongDiscount = 0;
        foreach (var deal in approvedDeals.Keys)
        {
            if ((await JsonAsync(HttpMethod.Get, $"/api/v1/deals/{deals[deal]}")).GetProperty("discountPercent").GetDecimal() != 25m)
            {
                wrongDiscount++;
            }
        }

        return new ApprovalsReport(ungated, gateMissed, requested, awaitingList, approve, opened, stillPending, rejected, wrongDiscount);
    }

    /// <summary>Works a queue down with <paramref name="workers"/> at once, timing each item.</summary>
    private static async Task<Measurement> DrainAsync<T>(string name, int workers, ConcurrentQueue<T> queue, Func<T, Task> work)
    {
        var latencies = new ConcurrentBag<double>();
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Task.Run(async () =>
        {
            while (queue.TryDequeue(out var item))
            {
                var before = Stopwatch.GetTimestamp();
                await work(item);
                latencies.Add(Stopwatch.GetElapsedTime(before).TotalMilliseconds);
            }
        })));
        var elapsed = Stopwatch.GetElapsedTime(started);
        var sorted = latencies.Order().ToList();
        double At(double q) => sorted.Count == 0 ? 0 : sorted[Math.Min(sorted.Count - 1, (int)(q * sorted.Count))];
        return new Measurement(name, sorted.Count, elapsed, At(0.50), At(0.95), At(0.99));
    }
}

public sealed record ApprovalsReport(
    Measurement Ungated, Measurement GateMissed, Measurement Requested, Measurement AwaitingList, Measurement Approve, int Opened, int StillPending, int Rejected, int WrongDiscount);
