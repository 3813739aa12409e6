using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using M3CoreCRM.Grains.Notifications;
using M3CoreCRM.Tests.Api;
using M3CoreCRM.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace M3CoreCRM.Tests.Identity;

/// <summary>A workspace whose settings ask for a code by SMS after the password (<c>settings.secondFactor = sms</c>).</summary>
[Collection(PostgresCollection.Name)]
public sealed class SecondFactorTests(PostgresFixture postgres) : ApiTestBase(postgres)
{
    private const string Password = "correct horse battery";

    [Fact]
    public async Task AWorkspaceThatAsksForAnSmsCodeSignsInOnlyWithTheCodeSentToTheUsersMobile()
    {
        var (tenant, mobile) = await WorkspaceWithSmsCodeAsync();

        var login = await LoginAsync(tenant, $"owner@{tenant.Slug}.test", Password);

        Assert.Equal(HttpStatusCode.Accepted, login.StatusCode);
        var challenge = await login.Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(challenge.TryGetProperty("accessToken", out _));
        Assert.Equal("sms", challenge.GetProperty("channel").GetString());
        Assert.Equal("+971••••••567", challenge.GetProperty("sentTo").GetString());
        Assert.Equal(300, challenge.GetProperty("expiresIn").GetInt32());
        var code = CodeSentTo(mobile);

        var wrongCode = code == "000000" ? "111111" : "000000";
        await ErrorFormatTests.AssertProblemAsync(await CompleteAsync(challenge, wrongCode), HttpStatusCode.BadRequest, "invalid_code");
        var done = await CompleteAsync(challenge, code);
        Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        var pair = await done.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(tenant.UserId, pair.GetProperty("user").GetProperty("id").GetGuid());
        Assert.Equal(HttpStatusCode.OK, (await tenant.SendAsync(HttpMethod.Get, "/api/v1/me", token: pair.GetProperty("accessToken").GetString())).StatusCode);

        // The challenge is spent: the same code does not sign in twice.
        await ErrorFormatTests.AssertProblemAsync(await CompleteAsync(challenge, code), HttpStatusCode.BadRequest, "invalid_code");
        var audit = await tenant.GetJsonAsync($"/api/v1/audit-logs?entityId={tenant.UserId}");
        var actions = audit.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("action").GetString()).ToList();
        Assert.Contains("auth.second_factor_sent", actions);
        Assert.Equal(2, actions.Count(a => a == "auth.login_failed"));
        Assert.DoesNotContain(code, audit.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ACodeIsGoodOnlyWithTheChallengeItWasSentFor()
    {
        var (tenant, mobile) = await WorkspaceWithSmsCodeAsync();
        var challenge = await (await LoginAsync(tenant, $"owner@{tenant.Slug}.test", Password)).Content.ReadFromJsonAsync<JsonElement>();
        var code = CodeSentTo(mobile);
        var token = challenge.GetProperty("challenge").GetString()!;
        var forged = token[..token.LastIndexOf('.')] + ".AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

        var withForgedChallenge = await Http.PostAsJsonAsync("/api/v1/auth/login/second-factor", new { challenge = forged, code });
        var withGarbage = await Http.PostAsJsonAsync("/api/v1/auth/login/second-factor", new { challenge = "not-a-challenge", code });

        await ErrorFormatTests.AssertProblemAsync(withForgedChallenge, HttpStatusCode.BadRequest, "invalid_code");
        await ErrorFormatTests.AssertProblemAsync(withGarbage, HttpStatusCode.BadRequest, "invalid_code");
        // The wrong challenge counted as a wrong code, and the real one still works once.
        Assert.Equal(HttpStatusCode.OK, (await CompleteAsync(challenge, code)).StatusCode);
    }

    [Fact]
    public async Task FiveWrongCodesLockTheSignInAndASecondCodeWithinAMinuteIsRefused()
    {
        var (tenant, mobile) = await WorkspaceWithSmsCodeAsync();
        var challenge = await (await LoginAsync(tenant, $"owner@{tenant.Slug}.test", Password)).Content.ReadFromJsonAsync<JsonElement>();
        var code = CodeSentTo(mobile);
        var wrongCode = code == "000000" ? "111111" : "000000";

        // A second login at once sends no second SMS: codes cost money and pester the phone's owner.
        await ErrorFormatTests.AssertProblemAsync(await LoginAsync(tenant, $"owner@{tenant.Slug}.test", Password), HttpStatusCode.TooManyRequests, "rate_limited");
        for (var i = 0; i < 5; i++)
        {
            await ErrorFormatTests.AssertProblemAsync(await CompleteAsync(challenge, wrongCode), HttpStatusCode.BadRequest, "invalid_code");
        }

        await ErrorFormatTests.AssertProblemAsync(await CompleteAsync(challenge, code), HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.Single(Api.Services.GetRequiredService<DevelopmentOutbox>().Sent, m => m.To == mobile && m.Subject == "Sign-in code");
    }

    [Fact]
    public async Task AUserWithoutAMobileIsToldToAskAnAdministratorAndGetsNoTokens()
    {
        var (tenant, _) = await WorkspaceWithSmsCodeAsync();
        await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/users",
            new { name = "Agent Without Phone", email = "nophone@example.test", roleIds = new[] { await tenant.RoleIdAsync("agent") }, password = "another long passphrase" },
            HttpStatusCode.Created);

        var login = await LoginAsync(tenant, "nophone@example.test", "another long passphrase");

        var problem = await ErrorFormatTests.AssertProblemAsync(login, HttpStatusCode.Forbidden, "second_factor_unavailable");
        Assert.False(problem.TryGetProperty("accessToken", out _));
        // A wrong password is still the same 401 as anywhere: the code is asked for only after the password.
        await ErrorFormatTests.AssertProblemAsync(await LoginAsync(tenant, "nophone@example.test", "not the passphrase"), HttpStatusCode.Unauthorized, "invalid_credentials");
    }

    [Fact]
    public async Task TurningTheSmsCodeOnNeedsTheCallersMobileAndSettingsSentWithoutItKeepIt()
    {
        var tenant = await TenantSession.SignUpAsync(Http);

        var withoutMobile = await tenant.SendAsync(HttpMethod.Patch, "/api/v1/tenant", new { settings = Settings("sms") });
        var unknown = await tenant.SendAsync(HttpMethod.Patch, "/api/v1/tenant", new { settings = Settings("pigeon") });

        var problem = await ErrorFormatTests.AssertProblemAsync(withoutMobile, HttpStatusCode.BadRequest, "validation_failed");
        Assert.Contains("mobile", problem.GetProperty("errors").GetProperty("settings.secondFactor")[0].GetString(), StringComparison.Ordinal);
        await ErrorFormatTests.AssertProblemAsync(unknown, HttpStatusCode.BadRequest, "validation_failed");
        Assert.Equal(JsonValueKind.Null, (await tenant.GetJsonAsync("/api/v1/tenant")).GetProperty("settings").GetProperty("secondFactor").ValueKind);

        await tenant.SendJsonAsync(HttpMethod.Patch, "/api/v1/me", new { mobile = "+971501234567" }, HttpStatusCode.OK);
        await tenant.SendJsonAsync(HttpMethod.Patch, "/api/v1/tenant", new { settings = Settings("sms") }, HttpStatusCode.OK);
        var changedTimezone = await tenant.SendJsonAsync(HttpMethod.Patch, "/api/v1/tenant", new { settings = new { timezone = "Asia/Dubai", currency = "AED", locale = "ar-AE" } }, HttpStatusCode.OK);
        Assert.Equal("sms", changedTimezone.GetProperty("settings").GetProperty("secondFactor").GetString());

        var off = await tenant.SendJsonAsync(HttpMethod.Patch, "/api/v1/tenant", new { settings = Settings("none") }, HttpStatusCode.OK);
        Assert.Equal("none", off.GetProperty("settings").GetProperty("secondFactor").GetString());
        Assert.Equal(HttpStatusCode.OK, (await LoginAsync(tenant, $"owner@{tenant.Slug}.test", Password)).StatusCode);
    }

    private async Task<(TenantSession Tenant, string Mobile)> WorkspaceWithSmsCodeAsync()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        // Each workspace its own number, so that the development outbox's messages are told apart.
        var mobile = "+971" + Random.Shared.Next(100_000, 999_999).ToString(System.Globalization.CultureInfo.InvariantCulture) + "567";
        await tenant.SendJsonAsync(HttpMethod.Patch, "/api/v1/me", new { mobile }, HttpStatusCode.OK);
        var updated = await tenant.SendJsonAsync(HttpMethod.Patch, "/api/v1/tenant", new { settings = Settings("sms") }, HttpStatusCode.OK);
        Assert.Equal("sms", updated.GetProperty("settings").GetProperty("secondFactor").GetString());
        return (tenant, mobile);
    }

    private static object Settings(string secondFactor) => new { timezone = "UTC", currency = "USD", locale = "en", secondFactor };

    private string CodeSentTo(string mobile) =>
        Api.Services.GetRequiredService<DevelopmentOutbox>().Sent.Last(m => m.Channel == "sms" && m.To == mobile).Body.Split("code: ")[1][..6];

    private async Task<HttpResponseMessage> LoginAsync(TenantSession tenant, string email, string password)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/login") { Content = JsonContent.Create(new { email, password }) };
        request.Headers.Add("X-Tenant-Id", tenant.Slug);
        return await Http.SendAsync(request);
    }

    private Task<HttpResponseMessage> CompleteAsync(JsonElement challenge, string code) =>
        Http.PostAsJsonAsync("/api/v1/auth/login/second-factor", new { challenge = challenge.GetProperty("challenge").GetString(), code });
}
