using System.Net;
using System.Net.Http.Json;
using M3CoreCRM.Tests.Api;
using M3CoreCRM.Tests.Infrastructure;

namespace M3CoreCRM.Tests.Identity;

[Collection(PostgresCollection.Name)]
public sealed class RateLimitTests(PostgresFixture postgres)
{
    [Fact]
    public async Task LoginsPastTheAccountLimitAre429WithRetryAfter()
    {
        await using var api = new ApiFactory(await postgres.Server.CreateDatabaseAsync("limits"), new Dictionary<string, string> { ["RateLimits:LoginPerAccountPer15Minutes"] = "3" });
        using var http = api.CreateClient();
        var tenant = await TenantSession.SignUpAsync(http);

        var answers = new List<HttpResponseMessage>();
        for (var i = 0; i < 4; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/login") { Content = JsonContent.Create(new { email = $"owner@{tenant.Slug}.test", password = "wrong wrong wrong" }) };
            request.Headers.Add("X-Tenant-Id", tenant.Slug);
            answers.Add(await http.SendAsync(request));
        }

        Assert.All(answers.Take(3), r => Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode));
        await ErrorFormatTests.AssertProblemAsync(answers[3], HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.NotNull(answers[3].Headers.RetryAfter);
    }

    [Fact]
    public async Task RequestsPastTheUserLimitAre429WithRetryAfter()
    {
        await using var api = new ApiFactory(await postgres.Server.CreateDatabaseAsync("limits"), new Dictionary<string, string> { ["RateLimits:UserPerSecond"] = "5" });
        using var http = api.CreateClient();
        var tenant = await TenantSession.SignUpAsync(http);

        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => tenant.SendAsync(HttpMethod.Get, "/api/v1/permissions")));

        var limited = answers.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.NotEmpty(limited);
        Assert.True(answers.Count(r => r.StatusCode == HttpStatusCode.OK) <= 5);
        await ErrorFormatTests.AssertProblemAsync(limited[0], HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.NotNull(limited[0].Headers.RetryAfter);
    }
}
