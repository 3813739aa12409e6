using System.Buffers.Text;
using System.Net;
using System.Text;
using M3CoreCRM.Tests.Api;
using M3CoreCRM.Tests.Infrastructure;

namespace M3CoreCRM.Tests.Identity;

/// <summary>Role management must not be a way up: the owner role, grants one does not hold, the last owner.</summary>
[Collection(PostgresCollection.Name)]
public sealed class EscalationTests(PostgresFixture postgres) : ApiTestBase(postgres)
{
    [Fact]
    public async Task AdminCannotTakeTheOwnerRoleNorTouchTheOwner()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        var ownerRole = await tenant.RoleIdAsync("owner");
        var (adminId, adminAccess, _) = await tenant.AddUserAsync("admin", $"admin@{tenant.Slug}.test");

        var promote = await tenant.SendAsync(HttpMethod.Patch, $"/api/v1/users/{adminId}", new { roleIds = new[] { ownerRole } }, adminAccess);
        var create = await tenant.SendAsync(HttpMethod.Post, "/api/v1/users",
            new { name = "Puppet", email = $"puppet@{tenant.Slug}.test", roleIds = new[] { ownerRole }, password = "a perfectly fine passphrase" }, adminAccess);
        var disableOwner = await tenant.SendAsync(HttpMethod.Delete, $"/api/v1/users/{tenant.UserId}", token: adminAccess);
        var rewriteOwnerRole = await tenant.SendAsync(HttpMethod.Patch, $"/api/v1/roles/{ownerRole}", new { grants = Array.Empty<object>() }, adminAccess);

        await ErrorFormatTests.AssertProblemAsync(promote, HttpStatusCode.Forbidden, "forbidden");
        await ErrorFormatTests.AssertProblemAsync(create, HttpStatusCode.Forbidden, "forbidden");
        await ErrorFormatTests.AssertProblemAsync(disableOwner, HttpStatusCode.Forbidden, "forbidden");
        Assert.True(rewriteOwnerRole.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.Conflict);
        Assert.Equal(HttpStatusCode.OK, (await tenant.SendAsync(HttpMethod.Get, "/api/v1/me")).StatusCode);
    }

    [Fact]
    public async Task NobodyHandsOutGrantsTheyDoNotHold()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        var (_, adminAccess, _) = await tenant.AddUserAsync("admin", $"admin@{tenant.Slug}.test");
        var adminRole = await tenant.RoleIdAsync("admin");

        var billingRole = await tenant.SendAsync(HttpMethod.Post, "/api/v1/roles", new { name = "Payer", grants = new[] { new { permission = "billing.manage", scope = "all" } } }, adminAccess);
        var widenAdmin = await tenant.SendAsync(HttpMethod.Patch, $"/api/v1/roles/{adminRole}", new { grants = new[] { new { permission = "billing.manage", scope = "all" } } }, adminAccess);

        await ErrorFormatTests.AssertProblemAsync(billingRole, HttpStatusCode.Forbidden, "forbidden");
        await ErrorFormatTests.AssertProblemAsync(widenAdmin, HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task TheLastActiveOwnerCannotBeRemoved()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        var adminRole = await tenant.RoleIdAsync("admin");

        var demote = await tenant.SendAsync(HttpMethod.Patch, $"/api/v1/users/{tenant.UserId}", new { roleIds = new[] { adminRole } });

        await ErrorFormatTests.AssertProblemAsync(demote, HttpStatusCode.Conflict, "last_owner");
        var (secondOwner, _, _) = await tenant.AddUserAsync("owner", $"owner2@{tenant.Slug}.test");
        Assert.Equal(HttpStatusCode.OK, (await tenant.SendAsync(HttpMethod.Patch, $"/api/v1/users/{tenant.UserId}", new { roleIds = new[] { adminRole } })).StatusCode);
        Assert.NotEqual(Guid.Empty, secondOwner);
    }

    [Fact]
    public async Task ACraftedCursorIsABadRequestNotAnError()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        var cursor = Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{{\"Value\":\"not a date\",\"Id\":\"{Guid.NewGuid()}\"}}"));

        var response = await tenant.SendAsync(HttpMethod.Get, $"/api/v1/users?cursor={cursor}");

        await ErrorFormatTests.AssertProblemAsync(response, HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    public async Task VerificationCodesCannotBeRequestedOverAndOver()
    {
        var tenant = await TenantSession.SignUpAsync(Http);

        var first = await tenant.SendAsync(HttpMethod.Post, "/api/v1/auth/verify/email/request");
        var second = await tenant.SendAsync(HttpMethod.Post, "/api/v1/auth/verify/email/request");

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        await ErrorFormatTests.AssertProblemAsync(second, HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.NotNull(second.Headers.RetryAfter);
    }

    [Fact]
    public async Task OnlyOwnersAndUserManagersSeeOtherUsers()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        var (agentId, agentAccess, _) = await tenant.AddUserAsync("agent", $"agent@{tenant.Slug}.test");

        var self = await tenant.SendAsync(HttpMethod.Get, $"/api/v1/users/{agentId}", token: agentAccess);
        var owner = await tenant.SendAsync(HttpMethod.Get, $"/api/v1/users/{tenant.UserId}", token: agentAccess);

        Assert.Equal(HttpStatusCode.OK, self.StatusCode);
        await ErrorFormatTests.AssertProblemAsync(owner, HttpStatusCode.NotFound, "not_found");
    }
}
