using System.Net.Http.Json;
using System.Text.Json;
using M3CoreCRM.ApiHost.Identity;
using M3CoreCRM.Testing;

namespace M3CoreCRM.Benchmarks;

/// <summary>
/// Login and token refresh over HTTP against a real ApiHost process, beside two yardsticks from the
/// same run: <c>/health/live</c> on the same host (its HTTP ceiling) and raw Argon2id verifications
/// in this process at the same concurrency (the cost that dominates a login).
/// </summary>
public sealed class IdentityBenchmark(TimeSpan duration, int clients)
{
    public const string Password = "benchmark passphrase";

    public async Task<IdentityReport> RunAsync(string connectionString)
    {
        await using var api = await HostProcess.StartAsync("M3CoreCRM.ApiHost", new Dictionary<string, string>
        {
            ["ConnectionStrings__Postgres"] = connectionString,
            ["M3_DATA_DIR"] = Path.Combine(Path.GetTempPath(), $"m3-bench-api-{Guid.NewGuid():N}"),
            ["RateLimits__AuthPerAddressPerMinute"] = "10000000",
            ["RateLimits__LoginPerAccountPer15Minutes"] = "10000000",
            ["RateLimits__TenantPerSecond"] = "10000000",
            // Load tenants hold more leads, units and users than a free plan allows.
            ["Billing__DefaultPlan"] = "enterprise",
            ["RateLimits__UserPerSecond"] = "10000000",
        });
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients * 2 }) { BaseAddress = api.Address };
        var slug = $"bench-{Guid.NewGuid():N}"[..24];
        var signUp = await http.PostAsJsonAsync("/api/v1/tenants", new { name = "Bench", slug, owner = new { name = "Owner", email = $"owner@{slug}.test", password = Password } });
        signUp.EnsureSuccessStatusCode();
        var owner = await signUp.Content.ReadFromJsonAsync<JsonElement>();
        var ownerToken = owner.GetProperty("accessToken").GetString()!;
        var emails = new List<string>();
        for (var i = 0; i < clients; i++)
        {
            var email = $"agent{i}@{slug}.test";
            using var create = new HttpRequestMessage(HttpMethod.Post, "/api/v1/users") { Content = JsonContent.Create(new { name = $"Agent {i}", email, roleIds = Array.Empty<Guid>(), password = Password }) };
            create.Headers.Authorization = new("Bearer", ownerToken);
            create.Headers.Add("X-Tenant-Id", slug);
            (await http.SendAsync(create)).EnsureSuccessStatusCode();
            emails.Add(email);
        }

        var health = await Load.MeasureAsync("GET /health/live (yardstick)", clients, duration, _ => async () =>
            (await http.GetAsync(new Uri("/health/live", UriKind.Relative))).EnsureSuccessStatusCode());

        var argon = new Argon2id(new Argon2Options());
        var hash = argon.Hash(Password);
        var raw = await Load.MeasureAsync("raw Argon2id verification (yardstick)", clients, duration, _ => () =>
            Argon2id.Verify(hash, Password) ? ValueTask.CompletedTask : throw new InvalidOperationException("verification failed"));

        var refreshTokens = new string[clients];
        var login = await Load.MeasureAsync("POST /auth/login", clients, duration, worker => async () =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/login") { Content = JsonContent.Create(new { email = emails[worker], password = Password }) };
            request.Headers.Add("X-Tenant-Id", slug);
            var response = await http.SendAsync(request);
            response.EnsureSuccessStatusCode();
            refreshTokens[worker] = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("refreshToken").GetString()!;
        });

        var refresh = await Load.MeasureAsync("POST /auth/refresh", clients, duration, worker => async () =>
        {
            var response = await http.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = refreshTokens[worker] });
            response.EnsureSuccessStatusCode();
            refreshTokens[worker] = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("refreshToken").GetString()!;
        });

        return new IdentityReport(health, raw, login, refresh);
    }
}

public sealed record IdentityReport(Measurement Health, Measurement RawArgon2id, Measurement Login, Measurement Refresh);
