using M3CoreCRM.Testing;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using M3CoreCRM.Tests.Api;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace M3CoreCRM.Tests.Infrastructure;

/// <summary>The real ApiHost on Kestrel at a free loopback port, against the given database.</summary>
public sealed class ApiFactory : WebApplicationFactory<Program>
{
    private static readonly string SigningKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48));
    private readonly string _connectionString;
    private readonly IReadOnlyDictionary<string, string> _settings;
    private readonly Action<IWebHostBuilder>? _configure;

    public ApiFactory(string connectionString, IReadOnlyDictionary<string, string>? settings = null, Action<IWebHostBuilder>? configure = null)
    {
        _connectionString = connectionString;
        _settings = settings ?? new Dictionary<string, string>();
        _configure = configure;
        UseKestrel(0);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.UseSetting("ConnectionStrings:Postgres", _connectionString);
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.UseSetting("Logging:LogLevel:Microsoft.Hosting.Lifetime", "Warning");
        builder.UseSetting("Auth:SigningKey", SigningKey);
        builder.UseSetting("RateLimits:AuthPerAddressPerMinute", "100000");
        builder.UseSetting("RateLimits:UserPerSecond", "100000");
        foreach (var (key, value) in OrleansTestSettings.ForSilo())
        {
            builder.UseSetting(key, value);
        }

        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        _configure?.Invoke(builder);
    }
}

/// <summary>A signed-up tenant with its owner's session, and helpers to call the API as someone of that tenant.</summary>
public sealed record TenantSession(HttpClient Http, Guid TenantId, string Slug, Guid UserId, string AccessToken, string RefreshToken)
{
    private static int _counter;

    public static async Task<TenantSession> SignUpAsync(HttpClient http, string? slug = null)
    {
        slug ??= $"t{Interlocked.Increment(ref _counter)}-{Guid.NewGuid():N}"[..30];
        var response = await http.PostAsJsonAsync("/api/v1/tenants", new
        {
            name = "Acme Realty " + slug,
            slug,
            owner = new { name = "Olivia Owner", email = $"owner@{slug}.test", password = "correct horse battery" },
        });
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Sign-up failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return new TenantSession(
            http,
            body.GetProperty("tenant").GetProperty("id").GetGuid(),
            slug,
            body.GetProperty("user").GetProperty("id").GetGuid(),
            body.GetProperty("accessToken").GetString()!,
            body.GetProperty("refreshToken").GetString()!);
    }

    public HttpRequestMessage Request(HttpMethod method, string path, object? body = null, string? token = null, string? tenantHeader = null)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token ?? AccessToken);
        request.Headers.Add("X-Tenant-Id", tenantHeader ?? Slug);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        return request;
    }

    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object? body = null, string? token = null) =>
        Http.SendAsync(Request(method, path, body, token));

    public async Task<JsonElement> GetJsonAsync(string path, string? token = null)
    {
        var response = await SendAsync(HttpMethod.Get, path, token: token);
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public async Task<JsonElement> SendJsonAsync(HttpMethod method, string path, object? body, System.Net.HttpStatusCode expected, string? token = null)
    {
        var response = await SendAsync(method, path, body, token);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"{method} {path}: expected {(int)expected}, got {(int)response.StatusCode} {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>
    /// PATCHes each named required field as null, one request each (<c>filter.tags</c> as <c>{ "filter": { "tags": null } }</c>),
    /// and asserts a 400 <c>validation_failed</c> that names the field, with the record read at <paramref name="path"/> unchanged.
    /// </summary>
    public async Task AssertNullIsRefusedAsync(string path, params string[] fields)
    {
        var before = await GetJsonAsync(path);
        foreach (var field in fields)
        {
            var response = await SendAsync(HttpMethod.Patch, path, NullAt(field));
            Assert.True(response.StatusCode == System.Net.HttpStatusCode.BadRequest, $"PATCH {path} with {field} null: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            var problem = await ErrorFormatTests.AssertProblemAsync(response, System.Net.HttpStatusCode.BadRequest, "validation_failed");
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"PATCH {path} with {field} null: the errors do not name it: {problem}");
        }

        var after = await GetJsonAsync(path);
        Assert.True(JsonElement.DeepEquals(before, after), $"{path} changed: {before} became {after}");
    }

    private static JsonObject NullAt(string field)
    {
        var names = field.Split('.');
        var body = new JsonObject { [names[^1]] = null };
        foreach (var name in names[..^1].Reverse())
        {
            body = new JsonObject { [name] = body };
        }

        return body;
    }

    public async Task<Guid> RoleIdAsync(string name)
    {
        var roles = await GetJsonAsync("/api/v1/roles");
        return roles.GetProperty("items").EnumerateArray().Single(r => r.GetProperty("name").GetString() == name).GetProperty("id").GetGuid();
    }

    /// <summary>Creates a user with a password and the named built-in role, and logs them in.</summary>
    public async Task<(Guid UserId, string AccessToken, string RefreshToken)> AddUserAsync(string role, string email, Guid[]? groupIds = null)
    {
        var created = await SendJsonAsync(HttpMethod.Post, "/api/v1/users",
            new { name = "User " + email, email, roleIds = new[] { await RoleIdAsync(role) }, groupIds = groupIds ?? [], password = "another long passphrase" },
            System.Net.HttpStatusCode.Created);
        var (access, refresh) = await LoginAsync(email, "another long passphrase");
        return (created.GetProperty("id").GetGuid(), access, refresh);
    }

    public async Task<(string AccessToken, string RefreshToken)> LoginAsync(string email, string password)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/login") { Content = JsonContent.Create(new { email, password }) };
        request.Headers.Add("X-Tenant-Id", Slug);
        var response = await Http.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, $"login {email}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (body.GetProperty("accessToken").GetString()!, body.GetProperty("refreshToken").GetString()!);
    }
}
