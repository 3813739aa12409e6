using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using M3CoreCRM.Grains.Notifications;
using M3CoreCRM.Tests.Api;
using M3CoreCRM.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace M3CoreCRM.Tests.Identity;

[Collection(PostgresCollection.Name)]
public sealed class AuthorizationTests(PostgresFixture postgres) : ApiTestBase(postgres)
{
    public static TheoryData<string, string, string, HttpStatusCode> BuiltInRoleMatrix => new()
    {
        // role, method, route, expected status (routes that need users.manage, roles.manage, settings.manage, audit.read)
        { "admin", "POST", "/api/v1/users", HttpStatusCode.Created },
        { "admin", "POST", "/api/v1/roles", HttpStatusCode.Created },
        { "admin", "GET", "/api/v1/audit-logs", HttpStatusCode.OK },
        { "admin", "PATCH", "/api/v1/tenant", HttpStatusCode.OK },
        { "sales_manager", "POST", "/api/v1/users", HttpStatusCode.Forbidden },
        { "sales_manager", "POST", "/api/v1/roles", HttpStatusCode.Forbidden },
        { "sales_manager", "GET", "/api/v1/audit-logs", HttpStatusCode.Forbidden },
        { "agent", "POST", "/api/v1/users", HttpStatusCode.Forbidden },
        { "agent", "PATCH", "/api/v1/tenant", HttpStatusCode.Forbidden },
        { "agent", "GET", "/api/v1/users", HttpStatusCode.Forbidden },
        { "agent", "GET", "/api/v1/permissions", HttpStatusCode.OK },
        { "viewer", "POST", "/api/v1/groups", HttpStatusCode.Forbidden },
        { "viewer", "GET", "/api/v1/audit-logs", HttpStatusCode.Forbidden },
        { "viewer", "GET", "/api/v1/tenant", HttpStatusCode.OK },
    };

    [Theory]
    [MemberData(nameof(BuiltInRoleMatrix))]
    public async Task EachBuiltInRoleIsAllowedAndDeniedAsItsGrantsSay(string role, string method, string route, HttpStatusCode expected)
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        var (userId, access, _) = await tenant.AddUserAsync(role, $"{role}@{tenant.Slug}.test");
        object? body = (method, route) switch
        {
            ("POST", "/api/v1/users") => new { name = "New Person", email = $"new@{tenant.Slug}.test", roleIds = Array.Empty<Guid>(), password = "a perfectly fine passphrase" },
            ("POST", "/api/v1/roles") => new { name = "Custom", grants = new[] { new { permission = "leads.read", scope = "own" } } },
            ("POST", "/api/v1/groups") => new { name = "Team", memberIds = Array.Empty<Guid>() },
            ("PATCH", "/api/v1/tenant") => new { name = "Renamed" },
            _ => null,
        };

        var response = await tenant.SendAsync(new HttpMethod(method), route, body, access);

        Assert.Equal(expected, response.StatusCode);
        if (expected == HttpStatusCode.Forbidden)
        {
            await ErrorFormatTests.AssertProblemAsync(response, HttpStatusCode.Forbidden, "forbidden");
            var denials = await tenant.GetJsonAsync($"/api/v1/audit-logs?action=permission.denied&actorId={userId}");
            Assert.Single(denials.GetProperty("items").EnumerateArray());
        }
    }

    [Fact]
    public async Task BuiltInRoleCannotBeDeletedButACustomOneCan()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        var agentRole = await tenant.RoleIdAsync("agent");
        var custom = await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/roles", new { name = "Auditor", grants = new[] { new { permission = "audit.read", scope = "all" } } }, HttpStatusCode.Created);

        var builtIn = await tenant.SendAsync(HttpMethod.Delete, $"/api/v1/roles/{agentRole}");
        var removed = await tenant.SendAsync(HttpMethod.Delete, $"/api/v1/roles/{custom.GetProperty("id").GetGuid()}");

        await ErrorFormatTests.AssertProblemAsync(builtIn, HttpStatusCode.Conflict, "built_in_role");
        Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await tenant.SendAsync(HttpMethod.Get, $"/api/v1/roles/{custom.GetProperty("id").GetGuid()}")).StatusCode);
    }

    [Fact]
    public async Task RoleWithAnUnknownPermissionIsRefused()
    {
        var tenant = await TenantSession.SignUpAsync(Http);

        var response = await tenant.SendAsync(HttpMethod.Post, "/api/v1/roles", new { name = "Odd", grants = new[] { new { permission = "leads.teleport", scope = "all" } } });

        var problem = await ErrorFormatTests.AssertProblemAsync(response, HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty("grants[0].permission", out _));
    }

    [Fact]
    public async Task ChangedGrantsApplyToTheNextRequest()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        var custom = await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/roles", new { name = "Grows", grants = Array.Empty<object>() }, HttpStatusCode.Created);
        var roleId = custom.GetProperty("id").GetGuid();
        await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/users", new { name = "Grower", email = $"grower@{tenant.Slug}.test", roleIds = new[] { roleId }, password = "another long passphrase" }, HttpStatusCode.Created);
        var (access, _) = await tenant.LoginAsync($"grower@{tenant.Slug}.test", "another long passphrase");
        Assert.Equal(HttpStatusCode.Forbidden, (await tenant.SendAsync(HttpMethod.Get, "/api/v1/audit-logs", token: access)).StatusCode);

        await tenant.SendJsonAsync(HttpMethod.Patch, $"/api/v1/roles/{roleId}", new { grants = new[] { new { permission = "audit.read", scope = "all" } } }, HttpStatusCode.OK);

        Assert.Equal(HttpStatusCode.OK, (await tenant.SendAsync(HttpMethod.Get, "/api/v1/audit-logs", token: access)).StatusCode);
    }

    [Fact]
    public async Task StaleIfMatchIsAVersionMismatch()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        var me = await tenant.SendAsync(HttpMethod.Get, $"/api/v1/users/{tenant.UserId}");
        var etag = me.Headers.ETag!.Tag;
        var first = tenant.Request(HttpMethod.Patch, $"/api/v1/users/{tenant.UserId}", new { name = "First Rename" });
        first.Headers.TryAddWithoutValidation("If-Match", etag);
        Assert.Equal(HttpStatusCode.OK, (await Http.SendAsync(first)).StatusCode);

        var stale = tenant.Request(HttpMethod.Patch, $"/api/v1/users/{tenant.UserId}", new { name = "Second Rename" });
        stale.Headers.TryAddWithoutValidation("If-Match", etag);
        var response = await Http.SendAsync(stale);

        await ErrorFormatTests.AssertProblemAsync(response, HttpStatusCode.PreconditionFailed, "version_mismatch");
        Assert.Equal("First Rename", (await tenant.GetJsonAsync($"/api/v1/users/{tenant.UserId}")).GetProperty("name").GetString());
    }

    [Theory]
    [InlineData("users", new[] { "name", "email", "roleIds", "groupIds", "status" })]
    [InlineData("roles", new[] { "name", "grants" })]
    [InlineData("groups", new[] { "name", "memberIds" })]
    public async Task APatchSettingARequiredFieldToNullIsRefusedAndChangesNothing(string route, string[] fields)
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        var id = route switch
        {
            "users" => (await tenant.AddUserAsync("agent", $"agent@{tenant.Slug}.test")).UserId,
            "roles" => (await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/roles", new { name = "Closer", grants = new[] { new { permission = "leads.read", scope = "own" } } }, HttpStatusCode.Created))
                .GetProperty("id").GetGuid(),
            _ => (await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/groups", new { name = "Floor", memberIds = new[] { tenant.UserId } }, HttpStatusCode.Created)).GetProperty("id").GetGuid(),
        };

        await tenant.AssertNullIsRefusedAsync($"/api/v1/{route}/{id}", fields);
    }

    [Fact]
    public async Task EmailIsUniquePerTenantButNotAcrossTenants()
    {
        var a = await TenantSession.SignUpAsync(Http);
        var b = await TenantSession.SignUpAsync(Http);
        var person = new { name = "Sam Shared", email = "sam@shared.test", roleIds = Array.Empty<Guid>(), password = "another long passphrase" };

        await a.SendJsonAsync(HttpMethod.Post, "/api/v1/users", person, HttpStatusCode.Created);
        var again = await a.SendAsync(HttpMethod.Post, "/api/v1/users", person);
        await b.SendJsonAsync(HttpMethod.Post, "/api/v1/users", person, HttpStatusCode.Created);

        await ErrorFormatTests.AssertProblemAsync(again, HttpStatusCode.Conflict, "email_taken");
    }

    [Fact]
    public async Task InvitedUserAcceptsTheInvitationOnceAndLogsIn()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        var email = $"invitee@{tenant.Slug}.test";
        var group = await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/groups", new { name = "Invitees", memberIds = Array.Empty<Guid>() }, HttpStatusCode.Created);
        var groupId = group.GetProperty("id").GetGuid();
        var created = await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/users",
            new { name = "Ivy Invitee", email, roleIds = new[] { await tenant.RoleIdAsync("agent") }, groupIds = new[] { groupId } }, HttpStatusCode.Created);
        Assert.Equal("invited", created.GetProperty("status").GetString());
        var mail = Api.Services.GetRequiredService<DevelopmentOutbox>().Sent.Last(m => m.To == email);
        var token = mail.Body.Split("token: ")[1].Trim();

        var accepted = await Http.PostAsJsonAsync("/api/v1/auth/invitations/accept", new { token, password = "my own long passphrase" });
        var again = await Http.PostAsJsonAsync("/api/v1/auth/invitations/accept", new { token, password = "my own long passphrase" });

        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        var pair = await accepted.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("active", pair.GetProperty("user").GetProperty("status").GetString());
        Assert.Equal([groupId], pair.GetProperty("user").GetProperty("groupIds").EnumerateArray().Select(id => id.GetGuid()));
        var me = await tenant.GetJsonAsync("/api/v1/me", token: pair.GetProperty("accessToken").GetString());
        SignUpAndLoginTests.AssertSameJson(me.GetProperty("user"), pair.GetProperty("user"));
        await ErrorFormatTests.AssertProblemAsync(again, HttpStatusCode.BadRequest, "invalid_invitation");
        await tenant.LoginAsync(email, "my own long passphrase");
    }

    [Fact]
    public async Task EmailVerificationCodeConfirmsOnlyWithTheRightCode()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        Assert.Equal(HttpStatusCode.Accepted, (await tenant.SendAsync(HttpMethod.Post, "/api/v1/auth/verify/email/request")).StatusCode);
        var code = Api.Services.GetRequiredService<DevelopmentOutbox>().Sent.Last(m => m.To == $"owner@{tenant.Slug}.test").Body.Split("code is ")[1][..6];
        var wrong = code == "000000" ? "111111" : "000000";

        var refused = await tenant.SendAsync(HttpMethod.Post, "/api/v1/auth/verify/email/confirm", new { code = wrong });
        var confirmed = await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/auth/verify/email/confirm", new { code }, HttpStatusCode.OK);

        await ErrorFormatTests.AssertProblemAsync(refused, HttpStatusCode.BadRequest, "invalid_code");
        Assert.True(confirmed.GetProperty("emailVerified").GetBoolean());
    }

    [Fact]
    public async Task AuditLogHoldsWritesWithBeforeAndAfterAndLogins()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        var group = await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/groups", new { name = "Closers", memberIds = new[] { tenant.UserId } }, HttpStatusCode.Created);
        var groupId = group.GetProperty("id").GetGuid();
        await tenant.SendJsonAsync(HttpMethod.Patch, $"/api/v1/groups/{groupId}", new { name = "Top Closers" }, HttpStatusCode.OK);
        await tenant.LoginAsync($"owner@{tenant.Slug}.test", "correct horse battery");

        var entries = await tenant.GetJsonAsync($"/api/v1/audit-logs?entityType=group&entityId={groupId}");
        var logins = await tenant.GetJsonAsync("/api/v1/audit-logs?action=auth.login");

        var update = entries.GetProperty("items").EnumerateArray().First();
        Assert.Equal("group.updated", update.GetProperty("action").GetString());
        Assert.Equal(tenant.UserId, update.GetProperty("actorId").GetGuid());
        Assert.Equal("Closers", update.GetProperty("changes").GetProperty("name").GetProperty("before").GetString());
        Assert.Equal("Top Closers", update.GetProperty("changes").GetProperty("name").GetProperty("after").GetString());
        Assert.False(string.IsNullOrEmpty(update.GetProperty("clientAddress").GetString()));
        Assert.Equal(2, entries.GetProperty("items").GetArrayLength());
        Assert.Single(logins.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task RoleAndGroupListsValidateLimitAndFilterByQ()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        foreach (var limit in new[] { "0", "-1", "100000", "abc" })
        {
            foreach (var list in new[] { "roles", "groups" })
            {
                var problem = await ErrorFormatTests.AssertProblemAsync(await tenant.SendAsync(HttpMethod.Get, $"/api/v1/{list}?limit={limit}"), HttpStatusCode.BadRequest, "validation_failed");
                Assert.True(limit == "abc" || problem.GetProperty("errors").TryGetProperty("limit", out _), $"{list}?limit={limit}: {problem}");
            }
        }

        // Roles page like every list: five built-in roles, two at a time, in name order, then found by name.
        var names = new List<string>();
        string? cursor = null;
        do
        {
            var page = await tenant.GetJsonAsync($"/api/v1/roles?limit=2{(cursor is null ? "" : "&cursor=" + cursor)}");
            Assert.InRange(page.GetProperty("items").GetArrayLength(), 1, 2);
            names.AddRange(page.GetProperty("items").EnumerateArray().Select(r => r.GetProperty("name").GetString()!));
            cursor = page.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null);
        Assert.Equal(["admin", "agent", "owner", "sales_manager", "viewer"], names);
        Assert.Equal(["sales_manager"], (await tenant.GetJsonAsync("/api/v1/roles?q=SALES")).GetProperty("items").EnumerateArray().Select(r => r.GetProperty("name").GetString()));
        Assert.Empty((await tenant.GetJsonAsync("/api/v1/roles?q=%25")).GetProperty("items").EnumerateArray());
        Assert.Equal(["sales_manager"], (await tenant.GetJsonAsync("/api/v1/roles?q=_")).GetProperty("items").EnumerateArray().Select(r => r.GetProperty("name").GetString()));

        await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/groups", new { name = "North team", memberIds = Array.Empty<Guid>() }, HttpStatusCode.Created);
        await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/groups", new { name = "South team", memberIds = Array.Empty<Guid>() }, HttpStatusCode.Created);
        Assert.Equal(2, (await tenant.GetJsonAsync("/api/v1/groups?q=team")).GetProperty("items").GetArrayLength());
        Assert.Equal(["North team"], (await tenant.GetJsonAsync("/api/v1/groups?q=north")).GetProperty("items").EnumerateArray().Select(g => g.GetProperty("name").GetString()));
        Assert.Empty((await tenant.GetJsonAsync("/api/v1/groups?q=%25")).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task AuditLogRefusesFreeTextItCannotSearch()
    {
        var tenant = await TenantSession.SignUpAsync(Http);

        var problem = await ErrorFormatTests.AssertProblemAsync(await tenant.SendAsync(HttpMethod.Get, "/api/v1/audit-logs?q=login"), HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty("q", out _), problem.ToString());
        Assert.NotEmpty((await tenant.GetJsonAsync("/api/v1/audit-logs")).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task UserListPagesNeverRepeatOrSkipWhileUsersAreAdded()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        for (var i = 0; i < 7; i++)
        {
            await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/users", new { name = $"Person {i}", email = $"p{i}@{tenant.Slug}.test", roleIds = Array.Empty<Guid>() }, HttpStatusCode.Created);
        }

        var seen = new List<Guid>();
        string? cursor = null;
        var added = 0;
        do
        {
            var page = await tenant.GetJsonAsync($"/api/v1/users?limit=3&sort=name{(cursor is null ? "" : "&cursor=" + cursor)}");
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(u => u.GetProperty("id").GetGuid()));
            cursor = page.GetProperty("nextCursor").GetString();
            if (added++ == 0)
            {
                // Inserted after the first page, sorting before it: must not shift what comes next.
                await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/users", new { name = "Aaron Early", email = $"early@{tenant.Slug}.test", roleIds = Array.Empty<Guid>() }, HttpStatusCode.Created);
            }
        }
        while (cursor is not null);

        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.Equal(8, seen.Count); // The owner and the seven; the late "Aaron" sorts before the first page.
    }
}
