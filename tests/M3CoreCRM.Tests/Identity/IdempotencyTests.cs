using System.Net;
using System.Text.Json;
using M3CoreCRM.Tests.Api;
using M3CoreCRM.Tests.Infrastructure;

namespace M3CoreCRM.Tests.Identity;

[Collection(PostgresCollection.Name)]
public sealed class IdempotencyTests(PostgresFixture postgres) : ApiTestBase(postgres)
{
    [Fact]
    public async Task SameKeyAndBodyReplaysTheFirstResponseAndCreatesOnce()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        var body = new { name = "Once Only", email = $"once@{tenant.Slug}.test", roleIds = Array.Empty<Guid>() };

        var first = await SendAsync(tenant, "create-once", body);
        var second = await SendAsync(tenant, "create-once", body);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        Assert.Equal(first.Headers.Location, second.Headers.Location);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
        var users = await tenant.GetJsonAsync("/api/v1/users?q=once");
        Assert.Single(users.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task ConcurrentRepeatsOfOneKeyCreateOnce()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        var body = new { name = "Racer", grants = Array.Empty<object>() };

        var answers = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => SendAsync(tenant, "race-key", body, "/api/v1/roles")));

        Assert.Contains(answers, a => a.StatusCode == HttpStatusCode.Created);
        Assert.All(answers, a => Assert.True(a.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict, $"unexpected {(int)a.StatusCode}"));
        var roles = await tenant.GetJsonAsync("/api/v1/roles");
        Assert.Single(roles.GetProperty("items").EnumerateArray(), r => r.GetProperty("name").GetString() == "Racer");
    }

    [Fact]
    public async Task SameKeyWithAnotherBodyIsRefused()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        await SendAsync(tenant, "reused", new { name = "First Team", memberIds = Array.Empty<Guid>() }, "/api/v1/groups");

        var second = await SendAsync(tenant, "reused", new { name = "Second Team", memberIds = Array.Empty<Guid>() }, "/api/v1/groups");

        await ErrorFormatTests.AssertProblemAsync(second, HttpStatusCode.Conflict, "idempotency_key_reused");
    }

    [Fact]
    public async Task KeyLongerThan128CharactersIsRefused()
    {
        var tenant = await TenantSession.SignUpAsync(Http);

        var response = await SendAsync(tenant, new string('k', 129), new { name = "Long", memberIds = Array.Empty<Guid>() }, "/api/v1/groups");

        await ErrorFormatTests.AssertProblemAsync(response, HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    public async Task KeysOfOneTenantDoNotCollideWithAnothers()
    {
        var a = await TenantSession.SignUpAsync(Http);
        var b = await TenantSession.SignUpAsync(Http);

        var fromA = await SendAsync(a, "shared-key", new { name = "Team A", memberIds = Array.Empty<Guid>() }, "/api/v1/groups");
        var fromB = await SendAsync(b, "shared-key", new { name = "Team B", memberIds = Array.Empty<Guid>() }, "/api/v1/groups");

        Assert.Equal(HttpStatusCode.Created, fromB.StatusCode);
        Assert.NotEqual(
            JsonDocument.Parse(await fromA.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid(),
            JsonDocument.Parse(await fromB.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid());
    }

    private Task<HttpResponseMessage> SendAsync(TenantSession tenant, string key, object body, string path = "/api/v1/users")
    {
        var request = tenant.Request(HttpMethod.Post, path, body);
        request.Headers.Add("Idempotency-Key", key);
        return Http.SendAsync(request);
    }
}
