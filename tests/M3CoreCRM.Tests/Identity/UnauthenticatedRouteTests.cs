using System.Net;
using System.Net.Http.Headers;
using System.Text;
using M3CoreCRM.Tests.Infrastructure;

namespace M3CoreCRM.Tests.Identity;

/// <summary>
/// The routes anyone may call (sign-up, login, refresh, logout, invitations, the stream with a ticket, health)
/// sent malformed and edge-case requests: each is answered 2xx or 4xx (problem+json), never 5xx.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class UnauthenticatedRouteTests(PostgresFixture postgres) : ApiTestBase(postgres)
{
    private static readonly string Zero = Guid.Empty.ToString("N");
    private static readonly string Secret = new('A', 43);

    [Fact]
    public async Task UnauthenticatedRoutesAnswerMalformedAndEdgeCaseRequestsWithoutA5xx()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        var refreshParts = tenant.RefreshToken.Split('.');
        var tokens = new[]
        {
            "", " ", ".", "..", "...", "a.b.c", $"{Zero}.{Zero}.{Secret}", $"{Zero}.{refreshParts[1]}.{refreshParts[2]}",
            $"{refreshParts[0]}.{Zero}.{refreshParts[2]}", $"{tenant.TenantId:N}.{tenant.UserId:N}.{Secret}", $"{Guid.CreateVersion7():N}.{Guid.CreateVersion7():N}.{Secret}",
            $"{tenant.TenantId:D}.{tenant.UserId:D}.{Secret}", $"{refreshParts[0]}.{refreshParts[1]}.{refreshParts[2]}.extra", $"{refreshParts[0]}.{refreshParts[1]}.",
            $"{refreshParts[0]}.{refreshParts[1]}.{new string('x', 5000)}", "\u0000", $"{Zero}\u0000.{Zero}.{Secret}", "ünïcødé.🙂.tokens", new string('.', 10_000),
        };
        var bodies = new List<string>
        {
            "", "null", "[]", "{}", "{", "}", "\"text\"", "123", "true", "{\"a\":", "{\"a\":1,}", new string('[', 200) + new string(']', 200),
            "{\"refreshToken\":123}", "{\"refreshToken\":{}}", "{\"refreshToken\":[]}", "{\"token\":null,\"password\":null}", "{\"token\":1e999}",
            "{\"email\":[],\"password\":{}}", "{\"email\":\"a@b.c\",\"password\":\"\\u0000\"}", "{\"email\":\"\\ud800\",\"password\":\"\\udfff\"}",
            "{\"name\":\"x\",\"slug\":\"" + Zero + "\",\"owner\":{\"name\":\"o\",\"email\":\"o@x.test\",\"password\":\"correct horse battery\"}}",
            "{\"name\":\"x\",\"slug\":\"ok-slug\",\"owner\":\"nobody\"}", "{\"name\":\"x\",\"slug\":123,\"owner\":{}}",
            "{\"name\":\"" + new string('n', 100_000) + "\",\"slug\":\"" + new string('s', 70) + "\",\"owner\":{\"email\":\"" + new string('e', 5000) + "@x\"}}",
        };
        foreach (var token in tokens)
        {
            var quoted = System.Text.Json.JsonSerializer.Serialize(token);
            bodies.Add($"{{\"refreshToken\":{quoted}}}");
            bodies.Add($"{{\"token\":{quoted},\"password\":\"a long enough passphrase\"}}");
            bodies.Add($"{{\"challenge\":{quoted},\"code\":\"123456\"}}");
        }

        var failures = new List<string>();
        var routes = new[] { "/api/v1/tenants", "/api/v1/auth/login", "/api/v1/auth/refresh", "/api/v1/auth/logout", "/api/v1/auth/invitations/accept", "/api/v1/auth/login/second-factor" };
        foreach (var route in routes)
        {
            foreach (var body in bodies)
            {
                foreach (var mediaType in new[] { "application/json", "text/plain" })
                {
                    await CheckAsync(failures, HttpMethod.Post, route, new StringContent(body, Encoding.UTF8, mediaType), tenant.Slug);
                }
            }

            // Bytes that are not UTF-8, no body at all, and a body with no content type.
            await CheckAsync(failures, HttpMethod.Post, route, new ByteArrayContent([0xff, 0xfe, 0x7b, 0x00, 0x22]) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } }, tenant.Slug);
            await CheckAsync(failures, HttpMethod.Post, route, null, tenant.Slug);
            await CheckAsync(failures, HttpMethod.Post, route, new ByteArrayContent(Encoding.UTF8.GetBytes("{}")), tenant.Slug);
            await CheckAsync(failures, HttpMethod.Get, route, null, tenant.Slug);
        }

        // Login with every kind of X-Tenant-Id.
        foreach (var header in new[] { "", " ", Zero, Guid.Empty.ToString(), Guid.CreateVersion7().ToString(), tenant.TenantId.ToString(), "unknown-slug", "../../etc/passwd", new string('t', 300), "a%00b", "%C0%80", "%00", "{" + tenant.TenantId + "}" })
        {
            await CheckAsync(failures, HttpMethod.Post, "/api/v1/auth/login", Json($"{{\"email\":\"owner@{tenant.Slug}.test\",\"password\":\"wrong password here\"}}"), header);
        }

        // Logout and the stream with forged or malformed credentials.
        var forged = new[]
        {
            "Bearer", "Bearer ", "Bearer x", "Bearer a.b.c", "Bearer " + Unsigned(Zero), "Bearer " + Unsigned(tenant.TenantId.ToString()), "Basic YTpi", "Bearer " + new string('a', 8000),
        };
        foreach (var authorization in forged)
        {
            foreach (var (method, path) in new[] { (HttpMethod.Post, "/api/v1/auth/logout"), (HttpMethod.Get, "/api/v1/stream") })
            {
                using var request = new HttpRequestMessage(method, path);
                request.Headers.TryAddWithoutValidation("Authorization", authorization);
                request.Headers.TryAddWithoutValidation("X-Tenant-Id", tenant.Slug);
                await CheckAsync(failures, request);
            }
        }

        foreach (var ticket in new[] { "", "x", Zero, Guid.Empty.ToString(), new string('t', 64), new string('t', 65), new string('t', 5000), "%00", "%FF", "%C0%80", "🙂", "a%2Fb" })
        {
            await CheckAsync(failures, HttpMethod.Get, $"/api/v1/stream?ticket={ticket}", null, null);
            await CheckAsync(failures, HttpMethod.Get, $"/api/v1/stream?ticket={ticket}&ticket=second", null, null);
        }

        foreach (var path in new[] { "/health/live", "/health/ready", "/health/live?x=%00", "/health/ready/", "/health/nothing" })
        {
            await CheckAsync(failures, HttpMethod.Get, path, null, null);
            await CheckAsync(failures, HttpMethod.Post, path, Json("{"), null);
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    /// <summary>A token with <c>alg: none</c> and the given tenant claim: no signature at all.</summary>
    private static string Unsigned(string tenantId)
    {
        static string Part(string json) => Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return Part("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + Part($"{{\"sub\":\"{Guid.Empty}\",\"tid\":\"{tenantId}\",\"sst\":\"{Guid.Empty}\",\"fid\":\"{Guid.Empty}\",\"exp\":4102444800}}") + ".";
    }

    private async Task CheckAsync(List<string> failures, HttpMethod method, string path, HttpContent? content, string? tenantHeader)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        if (tenantHeader is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Tenant-Id", tenantHeader);
        }

        await CheckAsync(failures, request);
    }

    private async Task CheckAsync(List<string> failures, HttpRequestMessage request)
    {
        var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync();
        using var response = await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var status = (int)response.StatusCode;
        var what = $"{request.Method} {request.RequestUri} [{Clip(body)}] (X-Tenant-Id {Clip(string.Join(",", request.Headers.TryGetValues("X-Tenant-Id", out var t) ? t : []))})";
        if (status >= 500)
        {
            failures.Add($"{what}: {status} {Clip(await response.Content.ReadAsStringAsync())}");
        }
        else if (status >= 400 && response.Content.Headers.ContentType?.MediaType != "application/problem+json")
        {
            failures.Add($"{what}: {status} with {response.Content.Headers.ContentType?.MediaType ?? "no body"}");
        }
    }

    private static string Clip(string text) => text.Length <= 80 ? text : text[..80] + "…";
}
