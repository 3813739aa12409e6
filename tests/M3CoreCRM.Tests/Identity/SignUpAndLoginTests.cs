using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using M3CoreCRM.ApiHost.Identity;
using M3CoreCRM.Tests.Api;
using M3CoreCRM.Tests.Infrastructure;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace M3CoreCRM.Tests.Identity;

[Collection(PostgresCollection.Name)]
public sealed class SignUpAndLoginTests(PostgresFixture postgres) : ApiTestBase(postgres)
{
    [Fact]
    public async Task AccessTokensAreCheckedByTheHandlerThatRemembersValidTokens()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        Assert.Equal(HttpStatusCode.OK, (await tenant.SendAsync(HttpMethod.Get, "/api/v1/me")).StatusCode);
        var jwt = Api.Services.GetRequiredService<IOptionsMonitor<JwtBearerOptions>>().Get(JwtBearerDefaults.AuthenticationScheme);
        Assert.Same(Api.Services.GetRequiredService<ValidatedTokenCache>(), Assert.Single(jwt.TokenHandlers));
    }

    [Fact]
    public async Task SignUpCreatesTheTenantItsOwnerAndBuiltInRolesAndLogsTheOwnerIn()
    {
        var tenant = await TenantSession.SignUpAsync(Http);

        var me = await tenant.GetJsonAsync("/api/v1/me");
        var roles = await tenant.GetJsonAsync("/api/v1/roles");
        var info = await tenant.GetJsonAsync("/api/v1/tenant");

        Assert.Equal(tenant.UserId, me.GetProperty("user").GetProperty("id").GetGuid());
        Assert.Equal("all", me.GetProperty("permissions").GetProperty("users.manage").GetString());
        Assert.Equal(["admin", "agent", "owner", "sales_manager", "viewer"], roles.GetProperty("items").EnumerateArray().Select(r => r.GetProperty("name").GetString()).Order());
        Assert.Equal("active", info.GetProperty("status").GetString());
        Assert.Equal(5, info.GetProperty("leadStatuses").GetArrayLength());
        Assert.NotEmpty(info.GetProperty("leadSources").EnumerateArray());
    }

    [Fact]
    public async Task ConcurrentSignUpsForOneSlugCreateExactlyOneTenant()
    {
        var slug = $"race-{Guid.NewGuid():N}"[..20];

        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => Http.PostAsJsonAsync("/api/v1/tenants", new
        {
            name = "Race " + i,
            slug,
            owner = new { name = "Owner " + i, email = $"owner{i}@race.test", password = "correct horse battery" },
        })));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        foreach (var refused in responses.Where(r => r.StatusCode != HttpStatusCode.Created))
        {
            await ErrorFormatTests.AssertProblemAsync(refused, HttpStatusCode.Conflict, "slug_taken");
        }
    }

    [Fact]
    public async Task SignUpWithACommonPasswordIsRefusedWithFieldErrors()
    {
        var response = await Http.PostAsJsonAsync("/api/v1/tenants", new
        {
            name = "Weak",
            slug = $"weak-{Guid.NewGuid():N}"[..20],
            owner = new { name = "Owner", email = "owner@weak.test", password = "password123" },
        });

        var problem = await ErrorFormatTests.AssertProblemAsync(response, HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty("owner.password", out _));
    }

    [Fact]
    public async Task SignUpWithAGuidShapedSlugIsRefused()
    {
        var other = await TenantSession.SignUpAsync(Http);

        foreach (var slug in new[] { other.TenantId.ToString("D"), other.TenantId.ToString("N"), Guid.CreateVersion7().ToString("N") })
        {
            var response = await Http.PostAsJsonAsync("/api/v1/tenants", new
            {
                name = "Shaped like an id",
                slug,
                owner = new { name = "Owner", email = $"owner@{slug}.test", password = "correct horse battery" },
            });
            var problem = await ErrorFormatTests.AssertProblemAsync(response, HttpStatusCode.BadRequest, "validation_failed");
            Assert.True(problem.GetProperty("errors").TryGetProperty("slug", out _), $"{slug}: {problem}");
        }

        // The tenant whose id was offered is still the one its id names.
        Assert.Equal(other.TenantId, (await other.GetJsonAsync("/api/v1/tenant")).GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task WrongPasswordAndUnknownEmailGetTheSameAnswer()
    {
        var tenant = await TenantSession.SignUpAsync(Http);

        var wrongPassword = await LoginAsync(tenant.Slug, $"owner@{tenant.Slug}.test", "not the password at all");
        var unknownEmail = await LoginAsync(tenant.Slug, $"nobody@{tenant.Slug}.test", "not the password at all");

        var first = await ErrorFormatTests.AssertProblemAsync(wrongPassword, HttpStatusCode.Unauthorized, "invalid_credentials");
        var second = await ErrorFormatTests.AssertProblemAsync(unknownEmail, HttpStatusCode.Unauthorized, "invalid_credentials");
        Assert.Equal(first.GetProperty("detail").GetString(), second.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task LoginWithoutTheTenantHeaderIsTenantRequired()
    {
        var response = await Http.PostAsJsonAsync("/api/v1/auth/login", new { email = "a@b.test", password = "whatever whatever" });

        await ErrorFormatTests.AssertProblemAsync(response, HttpStatusCode.BadRequest, "tenant_required");
    }

    [Fact]
    public async Task TenantScopedRouteNeedsTheHeaderAndTheTokensOwnTenant()
    {
        var a = await TenantSession.SignUpAsync(Http);
        var b = await TenantSession.SignUpAsync(Http);

        using var noHeader = new HttpRequestMessage(HttpMethod.Get, "/api/v1/me");
        noHeader.Headers.Authorization = new("Bearer", a.AccessToken);
        var missing = await Http.SendAsync(noHeader);
        var mismatch = await Http.SendAsync(a.Request(HttpMethod.Get, "/api/v1/me", tenantHeader: b.Slug));
        var byId = await Http.SendAsync(a.Request(HttpMethod.Get, "/api/v1/me", tenantHeader: a.TenantId.ToString()));
        var anonymous = await Http.GetAsync(new Uri("/api/v1/me", UriKind.Relative));

        await ErrorFormatTests.AssertProblemAsync(missing, HttpStatusCode.BadRequest, "tenant_required");
        await ErrorFormatTests.AssertProblemAsync(mismatch, HttpStatusCode.Forbidden, "tenant_mismatch");
        Assert.Equal(HttpStatusCode.OK, byId.StatusCode);
        await ErrorFormatTests.AssertProblemAsync(anonymous, HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task RefreshRotatesAndAReusedSpentTokenRevokesTheWholeFamily()
    {
        var tenant = await TenantSession.SignUpAsync(Http);

        var second = await RefreshAsync(tenant.RefreshToken);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        var secondPair = await second.Content.ReadFromJsonAsync<JsonElement>();
        var secondToken = secondPair.GetProperty("refreshToken").GetString();
        Assert.NotEqual(tenant.RefreshToken, secondToken);
        AssertSameJson((await tenant.GetJsonAsync("/api/v1/me")).GetProperty("user"), secondPair.GetProperty("user"));

        var replay = await RefreshAsync(tenant.RefreshToken);
        await ErrorFormatTests.AssertProblemAsync(replay, HttpStatusCode.Unauthorized, "token_reused");
        await ErrorFormatTests.AssertProblemAsync(await tenant.SendAsync(HttpMethod.Get, "/api/v1/me"), HttpStatusCode.Unauthorized, "unauthenticated");

        var afterRevoke = await RefreshAsync(secondToken!);
        await ErrorFormatTests.AssertProblemAsync(afterRevoke, HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task RefreshWithAllZeroTenantIsUnauthenticated()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        var parts = tenant.RefreshToken.Split('.');

        foreach (var forged in new[] { $"{Guid.Empty:N}.{parts[1]}.{parts[2]}", $"{parts[0]}.{Guid.Empty:N}.{parts[2]}", $"{Guid.Empty:N}.{Guid.Empty:N}.{parts[2]}" })
        {
            await ErrorFormatTests.AssertProblemAsync(await RefreshAsync(forged), HttpStatusCode.Unauthorized, "unauthenticated");
        }

        Assert.Equal(HttpStatusCode.OK, (await RefreshAsync(tenant.RefreshToken)).StatusCode);
    }

    [Fact]
    public async Task InvitationWithAllZeroTenantIsInvalid()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        var secret = new string('a', 43);

        foreach (var forged in new[] { $"{Guid.Empty:N}.{tenant.UserId:N}.{secret}", $"{tenant.TenantId:N}.{Guid.Empty:N}.{secret}", $"{Guid.Empty:N}.{Guid.Empty:N}.{secret}" })
        {
            var response = await Http.PostAsJsonAsync("/api/v1/auth/invitations/accept", new { token = forged, password = "my own long passphrase" });
            await ErrorFormatTests.AssertProblemAsync(response, HttpStatusCode.BadRequest, "invalid_invitation");
        }
    }

    [Fact]
    public async Task OnlyOneOfTwoConcurrentRefreshesWithTheSameTokenSucceeds()
    {
        var tenant = await TenantSession.SignUpAsync(Http);

        var results = await Task.WhenAll(RefreshAsync(tenant.RefreshToken), RefreshAsync(tenant.RefreshToken));

        Assert.Single(results, r => r.StatusCode == HttpStatusCode.OK);
        Assert.Single(results, r => r.StatusCode == HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task LogoutEndsTheLoginsRefreshTokens()
    {
        var tenant = await TenantSession.SignUpAsync(Http);

        var logout = await tenant.SendAsync(HttpMethod.Post, "/api/v1/auth/logout");

        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        await ErrorFormatTests.AssertProblemAsync(await RefreshAsync(tenant.RefreshToken), HttpStatusCode.Unauthorized, "unauthenticated");
        await ErrorFormatTests.AssertProblemAsync(await tenant.SendAsync(HttpMethod.Get, "/api/v1/me"), HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task DisabledUsersRefreshFailsAtOnceAndTheirAccessTokenStops()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        var (agentId, agentAccess, agentRefresh) = await tenant.AddUserAsync("agent", $"agent@{tenant.Slug}.test");

        await tenant.SendJsonAsync(HttpMethod.Delete, $"/api/v1/users/{agentId}", null, HttpStatusCode.NoContent);

        await ErrorFormatTests.AssertProblemAsync(await RefreshAsync(agentRefresh), HttpStatusCode.Unauthorized, "unauthenticated");
        await ErrorFormatTests.AssertProblemAsync(await tenant.SendAsync(HttpMethod.Get, "/api/v1/me", token: agentAccess), HttpStatusCode.Unauthorized, "unauthenticated");
        var login = await LoginAsync(tenant.Slug, $"agent@{tenant.Slug}.test", "another long passphrase");
        await ErrorFormatTests.AssertProblemAsync(login, HttpStatusCode.Unauthorized, "invalid_credentials");
    }

    [Fact]
    public async Task PasswordChangeEndsEveryOtherSessionButNotThisOne()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        var (otherAccess, otherRefresh) = await tenant.LoginAsync($"owner@{tenant.Slug}.test", "correct horse battery");

        var changed = await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/me/password",
            new { currentPassword = "correct horse battery", newPassword = "an entirely new passphrase" }, HttpStatusCode.OK);
        var newAccess = changed.GetProperty("accessToken").GetString()!;

        Assert.Equal(HttpStatusCode.OK, (await tenant.SendAsync(HttpMethod.Get, "/api/v1/me", token: newAccess)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await RefreshAsync(tenant.RefreshToken)).StatusCode);
        await ErrorFormatTests.AssertProblemAsync(await RefreshAsync(otherRefresh), HttpStatusCode.Unauthorized, "unauthenticated");
        await ErrorFormatTests.AssertProblemAsync(await tenant.SendAsync(HttpMethod.Get, "/api/v1/me", token: otherAccess), HttpStatusCode.Unauthorized, "unauthenticated");
        var login = await LoginAsync(tenant.Slug, $"owner@{tenant.Slug}.test", "an entirely new passphrase");
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        var me = await tenant.GetJsonAsync("/api/v1/me", token: newAccess);
        AssertSameJson(me.GetProperty("user"), (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("user"));
    }

    private async Task<HttpResponseMessage> LoginAsync(string tenant, string email, string password)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/login") { Content = JsonContent.Create(new { email, password }) };
        request.Headers.Add("X-Tenant-Id", tenant);
        return await Http.SendAsync(request);
    }

    private Task<HttpResponseMessage> RefreshAsync(string refreshToken) =>
        Http.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken });

    /// <summary>Login, refresh and invitation answers carry the user exactly as <c>GET /me</c> shows them.</summary>
    internal static void AssertSameJson(JsonElement expected, JsonElement actual) =>
        Assert.True(JsonElement.DeepEquals(expected, actual), $"expected {expected}, got {actual}");
}
