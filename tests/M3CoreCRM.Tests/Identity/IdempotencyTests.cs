using System.Net;
using System.Text.Json;
using M3CoreCRM.Tests.Api;
using M3CoreCRM.Tests.Infrastructure;
using M3CoreCRM.Tests.Leads;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

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

    [Fact]
    public async Task ARetryAfterAnAnswerThatNeverCameCreatesNothingTwice()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        var lead = await tenant.LeadIdAsync();
        var creates = new (string Path, object Body, string List)[]
        {
            ("/api/v1/leads", new { name = "Lost Answer", phone = "+201000000777", source = "web", status = "new" }, "/api/v1/leads?q=Lost%20Answer"),
            ("/api/v1/contacts", new { firstName = "Lost", lastName = "Answer", emails = new[] { $"lost@{tenant.Slug}.test" } }, "/api/v1/contacts?q=Answer"),
            ("/api/v1/companies", new { name = "Lost Answer Ltd" }, "/api/v1/companies?q=Lost%20Answer"),
            ("/api/v1/activities", new { type = "note", subject = new { type = "lead", id = lead }, body = "Lost answer" }, $"/api/v1/entities/lead/{lead}/timeline"),
        };

        foreach (var (path, body, list) in creates)
        {
            var first = await SendAsync(tenant, "lost-" + path, body, path);
            Assert.True(first.StatusCode == HttpStatusCode.Created, $"{path}: {(int)first.StatusCode} {await first.Content.ReadAsStringAsync()}");

            // What the store holds after an attempt that ran but was answered 503 (a silo died with the answer): nothing.
            await ForgetKeyAsync(tenant, "lost-" + path);
            var retry = await SendAsync(tenant, "lost-" + path, body, path);

            Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
            Assert.Equal(first.Headers.Location, retry.Headers.Location);
            Assert.False(retry.Headers.Contains("Idempotent-Replayed"), $"{path}: the retry was answered from the store, not run again");
        }

        Assert.Single((await tenant.GetJsonAsync(creates[0].List)).GetProperty("items").EnumerateArray());
        Assert.Single((await tenant.GetJsonAsync(creates[1].List)).GetProperty("items").EnumerateArray());
        Assert.Single((await tenant.GetJsonAsync(creates[2].List)).GetProperty("items").EnumerateArray());
        Assert.Single((await tenant.GetJsonAsync(creates[3].List)).GetProperty("items").EnumerateArray(), e => e.ToString().Contains("Lost answer", StringComparison.Ordinal));

        // Without a key, the same body twice is two requests.
        var once = await tenant.SendAsync(HttpMethod.Post, "/api/v1/companies", new { name = "Twice Ltd" });
        var twice = await tenant.SendAsync(HttpMethod.Post, "/api/v1/companies", new { name = "Twice Ltd" });
        Assert.NotEqual(once.Headers.Location, twice.Headers.Location);
    }

    private async Task ForgetKeyAsync(TenantSession tenant, string key)
    {
        await using var connection = await Api.Services.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync();
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand("SELECT set_config('m3.tenant_id', $1, false)") { Parameters = { new() { Value = tenant.TenantId.ToString() } } },
                new NpgsqlBatchCommand("DELETE FROM idempotency_keys WHERE tenant_id = $1 AND key = $2") { Parameters = { new() { Value = tenant.TenantId }, new() { Value = key } } },
            },
        };
        await batch.ExecuteNonQueryAsync();
        Assert.Equal(1, batch.BatchCommands[1].RecordsAffected);
    }

    private Task<HttpResponseMessage> SendAsync(TenantSession tenant, string key, object body, string path = "/api/v1/users")
    {
        var request = tenant.Request(HttpMethod.Post, path, body);
        request.Headers.Add("Idempotency-Key", key);
        return Http.SendAsync(request);
    }
}
