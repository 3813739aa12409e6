using System.Net;
using System.Text;
using System.Text.Json;
using M3CoreCRM.Tests.Infrastructure;
using M3CoreCRM.Tests.Inventory;
using M3CoreCRM.Tests.Leads;

namespace M3CoreCRM.Tests.Billing;

[Collection(PostgresCollection.Name)]
public sealed class PlanLimitTests(PostgresFixture postgres) : BillingTestBase(postgres)
{
    [Fact]
    public async Task TheSeatAfterTheLastAllowedIsRefusedWithPlanLimit()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        Assert.Equal(HttpStatusCode.Created, (await CreateUserAsync(tenant, "second@example.test")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await CreateUserAsync(tenant, "invited@example.test", invited: true)).StatusCode);

        await AssertPlanLimitAsync(await CreateUserAsync(tenant, "fourth@example.test"), "seats");

        var billing = await BillingAsync(tenant);
        Assert.Equal("free", billing.GetProperty("plan").GetString());
        Assert.Equal("active", billing.GetProperty("status").GetString());
        Assert.Equal(3, billing.GetProperty("limits").GetProperty("seats").GetInt32());
        Assert.Equal(3, billing.GetProperty("usage").GetProperty("seats").GetInt32());
        var users = await tenant.GetJsonAsync("/api/v1/users");
        Assert.DoesNotContain(users.GetProperty("items").EnumerateArray(), u => u.GetProperty("email").GetString() == "fourth@example.test");
    }

    [Fact]
    public async Task ADisabledUserFreesTheirSeatAndEnablingThemAgainTakesOne()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        await CreateUserAsync(tenant, "a@example.test");
        var b = await ReadAsync(await CreateUserAsync(tenant, "b@example.test"));
        await AssertPlanLimitAsync(await CreateUserAsync(tenant, "c@example.test"), "seats");

        var bId = b.GetProperty("id").GetGuid();
        await tenant.SendJsonAsync(HttpMethod.Delete, $"/api/v1/users/{bId}", null, HttpStatusCode.NoContent);

        Assert.Equal(HttpStatusCode.Created, (await CreateUserAsync(tenant, "c@example.test")).StatusCode);
        await AssertPlanLimitAsync(await tenant.SendAsync(HttpMethod.Patch, $"/api/v1/users/{bId}", new { status = "active" }), "seats");
        Assert.Equal("disabled", (await tenant.GetJsonAsync($"/api/v1/users/{bId}")).GetProperty("status").GetString());
    }

    [Fact]
    public async Task LeadsAndUnitsPastTheLimitAreRefused()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        for (var i = 0; i < 4; i++)
        {
            await tenant.LeadAsync();
        }

        await AssertPlanLimitAsync(await tenant.SendAsync(HttpMethod.Post, "/api/v1/leads", new { name = "One too many", phone = "+971509990001", source = "web" }), "leads");

        await tenant.UnitTypeAsync();
        var project = await tenant.ProjectAsync();
        await tenant.UnitAsync(project, "U-1");
        await tenant.UnitAsync(project, "U-2");
        await AssertPlanLimitAsync(await tenant.SendAsync(HttpMethod.Post, "/api/v1/units", InventorySeed.UnitBody(project, "U-3")), "units");

        var usage = (await BillingAsync(tenant)).GetProperty("usage");
        Assert.Equal(4, usage.GetProperty("leads").GetInt32());
        Assert.Equal(2, usage.GetProperty("units").GetInt32());
    }

    [Fact]
    public async Task ConcurrentCreatesNeverPassTheLimit()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        var responses = await Task.WhenAll(Enumerable.Range(0, 32).Select(i =>
            tenant.SendAsync(HttpMethod.Post, "/api/v1/leads", new { name = $"Racer {i}", phone = $"+97150777{i:D4}", source = "web" })));

        Assert.Equal(4, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(28, responses.Count(r => r.StatusCode == HttpStatusCode.Forbidden));
        Assert.Equal(4, (await tenant.AllLeadsAsync()).Count);
    }

    [Fact]
    public async Task ACsvImportPastTheLimitReportsTheRowsRefused()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        await tenant.LeadAsync();
        var csv = new StringBuilder("name,phone,source\n");
        for (var i = 0; i < 6; i++)
        {
            csv.Append($"Row {i},+97150888{i:D4},import\n");
        }

        var request = tenant.Request(HttpMethod.Post, "/api/v1/leads/import");
        request.Content = new StringContent(csv.ToString(), Encoding.UTF8, "text/csv");
        var response = await tenant.Http.SendAsync(request);
        var report = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, report.GetProperty("imported").GetInt32());
        var refused = report.GetProperty("errors").EnumerateArray().ToList();
        Assert.Equal(3, refused.Count);
        Assert.All(refused, row => Assert.Contains("plan", row.GetProperty("message").GetString(), StringComparison.Ordinal));
        Assert.Equal(4, (await tenant.AllLeadsAsync()).Count);
    }

    [Fact]
    public async Task AUserWithoutBillingManageCannotSeeOrChangeBilling()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        var (_, adminToken, _) = await tenant.AddUserAsync("admin", "admin@example.test");

        foreach (var (method, path) in new[] { (HttpMethod.Get, "/api/v1/billing"), (HttpMethod.Post, "/api/v1/billing/checkout"), (HttpMethod.Post, "/api/v1/billing/portal"), (HttpMethod.Get, "/api/v1/integrations/stripe"), (HttpMethod.Put, "/api/v1/integrations/stripe") })
        {
            var response = await tenant.SendAsync(method, path, method == HttpMethod.Get ? null : new { plan = "pro", billingEmail = "x@example.test" }, adminToken);
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{method} {path}: {(int)response.StatusCode}");
            Assert.Equal("forbidden", (await ReadAsync(response)).GetProperty("code").GetString());
        }
    }

    [Fact]
    public async Task AnotherTenantsBillingIsNeverVisible()
    {
        var mine = await TenantSession.SignUpAsync(Http);
        var theirs = await TenantSession.SignUpAsync(Http);
        await theirs.SendJsonAsync(HttpMethod.Put, "/api/v1/integrations/stripe", new { billingEmail = "secret-billing@theirs.test" }, HttpStatusCode.OK);

        var request = mine.Request(HttpMethod.Get, "/api/v1/billing", tenantHeader: theirs.Slug);
        var crossed = await Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Forbidden, crossed.StatusCode);
        Assert.Equal("tenant_mismatch", (await ReadAsync(crossed)).GetProperty("code").GetString());

        var own = await mine.GetJsonAsync("/api/v1/integrations/stripe");
        Assert.Equal(JsonValueKind.Null, own.GetProperty("billingEmail").ValueKind);
        Assert.DoesNotContain("secret-billing", own.GetRawText(), StringComparison.Ordinal);
        Assert.DoesNotContain("secret-billing", (await BillingAsync(mine)).GetRawText(), StringComparison.Ordinal);
    }
}
