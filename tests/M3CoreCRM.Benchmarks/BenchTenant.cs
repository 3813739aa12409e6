using System.Net.Http.Json;
using System.Text.Json;

namespace M3CoreCRM.Benchmarks;

/// <summary>A workspace signed up for a benchmark, and its owner's calls: what every scenario sets up first.</summary>
internal sealed class BenchTenant
{
    public const string Password = "benchmark passphrase";

    private readonly HttpClient _http;

    private BenchTenant(HttpClient http, string slug, string ownerEmail, JsonElement signUp)
    {
        _http = http;
        Slug = slug;
        OwnerEmail = ownerEmail;
        Token = signUp.GetProperty("accessToken").GetString()!;
        TenantId = signUp.GetProperty("tenant").GetProperty("id").GetGuid();
        OwnerId = signUp.GetProperty("user").GetProperty("id").GetGuid();
    }

    public string Slug { get; }

    public string OwnerEmail { get; }

    public string Token { get; }

    public Guid TenantId { get; }

    public Guid OwnerId { get; }

    /// <summary>Signs up a new workspace named <paramref name="name"/> whose owner is called <paramref name="ownerName"/>.</summary>
    public static async Task<BenchTenant> SignUpAsync(HttpClient http, string name, string ownerName = "Owner")
    {
        var slug = $"bench-{Guid.NewGuid():N}"[..24];
        var email = $"owner@{slug}.test";
        using var response = await http.PostAsJsonAsync("/api/v1/tenants", new { name, slug, owner = new { name = ownerName, email, password = Password } });
        response.EnsureSuccessStatusCode();
        return new BenchTenant(http, slug, email, await response.Content.ReadFromJsonAsync<JsonElement>());
    }

    /// <summary>A call as the owner; anything but 2xx throws with the answer. A JSON answer is returned, else default.</summary>
    public async Task<JsonElement> SendAsync(HttpMethod method, string path, object? content = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content is null ? null : JsonContent.Create(content) };
        request.Headers.Authorization = new("Bearer", Token);
        request.Headers.Add("X-Tenant-Id", Slug);
        using var response = await _http.SendAsync(request);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{method} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        return response.Content.Headers.ContentType?.MediaType == "application/json" ? await response.Content.ReadFromJsonAsync<JsonElement>() : default;
    }

    /// <summary>The id of the built-in role called <paramref name="name"/>.</summary>
    public async Task<Guid> RoleAsync(string name) =>
        (await SendAsync(HttpMethod.Get, "/api/v1/roles")).GetProperty("items").EnumerateArray()
            .First(r => r.GetProperty("name").GetString() == name).GetProperty("id").GetGuid();
}
