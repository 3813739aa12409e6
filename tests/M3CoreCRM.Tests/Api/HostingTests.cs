using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using M3CoreCRM.Testing;
using M3CoreCRM.Tests.Infrastructure;

namespace M3CoreCRM.Tests.Api;

[Collection(PostgresCollection.Name)]
public sealed partial class HostingTests(PostgresFixture postgres)
{
    [Fact]
    public async Task ReadyOnceStorageAnswersAndMigrationsAreApplied()
    {
        await using var api = new ApiFactory(await postgres.Server.CreateDatabaseAsync("api"));
        using var client = api.CreateClient();

        var ready = await WaitForAsync(client, "/health/ready", HttpStatusCode.OK);

        Assert.Equal("healthy", ready.GetProperty("status").GetString());
        Assert.Equal("healthy", ready.GetProperty("checks").GetProperty("storage").GetString());
    }

    [Fact]
    public async Task LiveButNotReadyWhileStorageIsUnreachable()
    {
        // A real process: its silo waits for the schema while the web server already answers.
        await using var api = await HostProcess.StartAsync("M3CoreCRM.ApiHost", new Dictionary<string, string>
        {
            ["ConnectionStrings__Postgres"] = TestPostgres.Unreachable(),
            ["Auth__SigningKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(48)),
        }, awaitedPath: "/health/live");
        using var client = new HttpClient { BaseAddress = api.Address };

        var live = await client.GetAsync(new Uri("/health/live", UriKind.Relative));
        var ready = await client.GetAsync(new Uri("/health/ready", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        var body = await ready.Content.ReadAsStringAsync();
        Assert.DoesNotContain("nothing", body, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenApiDocumentIsServedAsOpenApi31()
    {
        await using var api = new ApiFactory(await postgres.Server.CreateDatabaseAsync("api"));
        using var client = api.CreateClient();

        var document = await client.GetFromJsonAsync<JsonElement>(new Uri("/openapi/v1.json", UriKind.Relative));

        Assert.StartsWith("3.1", document.GetProperty("openapi").GetString(), StringComparison.Ordinal);
        Assert.Equal("M3CoreCRM API", document.GetProperty("info").GetProperty("title").GetString());
    }

    [Fact]
    public async Task DocsPageAndItsScriptsAreServedByThisHostForTheOpenApiDocument()
    {
        await using var api = new ApiFactory(await postgres.Server.CreateDatabaseAsync("api"));
        using var client = api.CreateClient();

        var page = await client.GetAsync(new Uri("/docs", UriKind.Relative));
        var html = await page.Content.ReadAsStringAsync();
        // The page's script addresses are relative to where it ended up (Scalar answers /docs with a redirect to /docs/).
        var pageUri = page.RequestMessage!.RequestUri!;
        var scripts = ScriptSources().Matches(html).Select(match => new Uri(pageUri, match.Groups["src"].Value)).ToList();

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<title>M3CoreCRM API reference</title>", html, StringComparison.Ordinal);
        Assert.Contains("\"url\":\"openapi/v1.json\"", html, StringComparison.Ordinal);
        Assert.Contains("\"withDefaultFonts\":false", html, StringComparison.Ordinal);
        // The reference offers the document's bearer scheme first, so a pasted access token is sent with each call.
        Assert.Contains("\"authentication\":{\"preferredSecurityScheme\":[\"bearer\"]}", html, StringComparison.Ordinal);
        Assert.DoesNotContain("://", html, StringComparison.Ordinal);
        Assert.NotEmpty(scripts);
        foreach (var script in scripts)
        {
            Assert.Equal(pageUri.Authority, script.Authority);
            var response = await client.GetAsync(script);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{script}: {(int)response.StatusCode}");
            Assert.Contains(response.Content.Headers.ContentType?.MediaType, new[] { "text/javascript", "application/javascript" });
            Assert.NotEmpty(await response.Content.ReadAsByteArrayAsync());
        }

        var document = await client.GetFromJsonAsync<JsonElement>(new Uri("/openapi/v1.json", UriKind.Relative));
        Assert.DoesNotContain(document.GetProperty("paths").EnumerateObject(), path => path.Name.StartsWith("/docs", StringComparison.Ordinal));
    }

    [Fact]
    public async Task EveryResponseCarriesSecurityHeadersNoStoreAndNoServerHeader()
    {
        await using var api = new ApiFactory(await postgres.Server.CreateDatabaseAsync("api"));
        using var client = api.CreateClient();
        var tenant = await TenantSession.SignUpAsync(client);
        var (access, refresh) = await tenant.LoginAsync($"owner@{tenant.Slug}.test", "correct horse battery");
        Assert.NotEmpty(access);

        var slug = $"h-{Guid.NewGuid():N}"[..20];
        var responses = new Dictionary<string, HttpResponseMessage>
        {
            ["sign-up"] = await client.PostAsJsonAsync("/api/v1/tenants", new { name = "Headers", slug, owner = new { name = "O", email = $"o@{slug}.test", password = "correct horse battery" } }),
            ["login"] = await SendWithTenantAsync(client, tenant.Slug, "/api/v1/auth/login", new { email = $"owner@{tenant.Slug}.test", password = "correct horse battery" }),
            ["refresh"] = await client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = refresh }),
            ["invitation"] = await client.PostAsJsonAsync("/api/v1/auth/invitations/accept", new { token = "nonsense", password = "x" }),
            ["health"] = await client.GetAsync(new Uri("/health/live", UriKind.Relative)),
            ["unknown route"] = await client.GetAsync(new Uri("/api/v1/nowhere", UriKind.Relative)),
            ["unauthenticated"] = await client.GetAsync(new Uri("/api/v1/me", UriKind.Relative)),
            ["me"] = await tenant.SendAsync(HttpMethod.Get, "/api/v1/me"),
            ["bad json"] = await client.PostAsync(new Uri("/api/v1/tenants", UriKind.Relative), new StringContent("{", System.Text.Encoding.UTF8, "application/json")),
            ["docs"] = await client.GetAsync(new Uri("/docs/", UriKind.Relative)),
        };

        foreach (var name in new[] { "sign-up", "login", "refresh" })
        {
            Assert.True(responses[name].IsSuccessStatusCode, $"{name}: {(int)responses[name].StatusCode}");
            Assert.Contains("accessToken", await responses[name].Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        foreach (var (name, response) in responses)
        {
            Assert.True(response.Headers.TryGetValues("X-Content-Type-Options", out var nosniff) && nosniff.Single() == "nosniff", name);
            Assert.True(response.Headers.TryGetValues("X-Frame-Options", out var frame) && frame.Single() == "DENY", name);
            Assert.True(response.Headers.TryGetValues("Referrer-Policy", out var referrer) && referrer.Single() == "no-referrer", name);
            Assert.True(response.Headers.TryGetValues("Content-Security-Policy", out var csp) && csp.Single().Contains("frame-ancestors 'none'", StringComparison.Ordinal), name);
            Assert.False(response.Headers.Contains("Server"), $"{name}: Server {string.Join(",", response.Headers.Server)}");
            if (name != "docs")
            {
                Assert.True(response.Headers.CacheControl?.NoStore == true, $"{name}: Cache-Control {response.Headers.CacheControl}");
            }
        }

        Assert.DoesNotContain("'unsafe-inline'", responses["me"].Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
    }

    private static async Task<HttpResponseMessage> SendWithTenantAsync(HttpClient client, string tenant, string path, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("X-Tenant-Id", tenant);
        return await client.SendAsync(request);
    }

    private static async Task<JsonElement> WaitForAsync(HttpClient client, string path, HttpStatusCode expected)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var response = await client.GetAsync(new Uri(path, UriKind.Relative), timeout.Token);
            if (response.StatusCode == expected)
            {
                return await response.Content.ReadFromJsonAsync<JsonElement>(timeout.Token);
            }

            await Task.Delay(50, timeout.Token);
        }
    }

    [GeneratedRegex(@"<script[^>]*\ssrc=""(?<src>[^""]+)""")]
    private static partial Regex ScriptSources();
}
