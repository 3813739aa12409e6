using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using M3CoreCRM.Tests.Infrastructure;

namespace M3CoreCRM.Tests.Identity;

/// <summary>
/// Tenant B's token, tenant A's ids: every tenant-scoped route of the OpenAPI document, found from
/// the document itself, so that a new route is covered the day it is added.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class CrossTenantTests(PostgresFixture postgres) : ApiTestBase(postgres)
{
    private static readonly string[] Public = ["/api/v1/tenants", "/api/v1/auth/login", "/api/v1/auth/refresh", "/api/v1/auth/invitations/accept", "/api/v1/auth/login/second-factor"];

    [Fact]
    public async Task EveryRouteWithAnIdAnswersNotFoundForAnotherTenantsId()
    {
        var a = await TenantSession.SignUpAsync(Http);
        var b = await TenantSession.SignUpAsync(Http);
        var samples = await SampleIdsOfAsync(a);
        var checkedRoutes = 0;

        foreach (var (path, method) in await RoutesAsync())
        {
            // Routes that name a record by id (other parameters, such as a verification channel, act on the caller's own records).
            if (!path.Contains("{id}", StringComparison.Ordinal))
            {
                continue;
            }

            var resource = path.Split('/')[3];
            Assert.True(samples.TryGetValue(resource, out var id), $"No sample id of tenant A for {method} {path}: add one to {nameof(SampleIdsOfAsync)}.");
            var concrete = path.Replace("{id}", id.ToString(), StringComparison.Ordinal).Replace("{type}", "lead", StringComparison.Ordinal);
            var response = await b.SendAsync(new HttpMethod(method), concrete, method is "GET" or "DELETE" ? null : new { });

            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{method} {concrete} with another tenant's id answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            checkedRoutes++;
        }

        Assert.True(checkedRoutes >= 9, $"Only {checkedRoutes} routes with ids were found in the OpenAPI document.");
    }

    [Fact]
    public async Task NoListRouteShowsAnotherTenantsRecords()
    {
        var a = await TenantSession.SignUpAsync(Http);
        var b = await TenantSession.SignUpAsync(Http);
        var aIds = (await SampleIdsOfAsync(a)).Values.Select(id => id.ToString()).Append(a.TenantId.ToString()).Append(a.UserId.ToString()).ToArray();

        foreach (var (path, method) in await RoutesAsync())
        {
            // The stream never ends by itself; StreamTests shows that one tenant's stream carries nothing of another's.
            if (method != "GET" || path.Contains('{', StringComparison.Ordinal) || path == "/api/v1/stream")
            {
                continue;
            }

            var body = await (await b.SendAsync(HttpMethod.Get, path)).Content.ReadAsStringAsync();
            foreach (var id in aIds)
            {
                Assert.DoesNotContain(id, body, StringComparison.OrdinalIgnoreCase);
            }
        }
    }

    private async Task<List<(string Path, string Method)>> RoutesAsync()
    {
        var document = await Http.GetFromJsonAsync<JsonElement>(new Uri("/openapi/v1.json", UriKind.Relative));
        var routes = new List<(string, string)>();
        foreach (var path in document.GetProperty("paths").EnumerateObject())
        {
            if (!path.Name.StartsWith("/api/v1/", StringComparison.Ordinal) || Public.Contains(path.Name))
            {
                continue;
            }

            foreach (var operation in path.Value.EnumerateObject().Where(o => o.Name is "get" or "post" or "put" or "patch" or "delete"))
            {
                routes.Add((path.Name, operation.Name.ToUpperInvariant()));
            }
        }

        Assert.NotEmpty(routes);
        return routes;
    }

    /// <summary>One record of each kind that routes take by id, created in tenant A.</summary>
    private static async Task<Dictionary<string, Guid>> SampleIdsOfAsync(TenantSession a)
    {
        var group = await a.SendJsonAsync(HttpMethod.Post, "/api/v1/groups", new { name = "A team", memberIds = new[] { a.UserId } }, HttpStatusCode.Created);
        var role = await a.SendJsonAsync(HttpMethod.Post, "/api/v1/roles", new { name = "A role", grants = Array.Empty<object>() }, HttpStatusCode.Created);
        var user = await a.SendJsonAsync(HttpMethod.Post, "/api/v1/users", new { name = "A person", email = $"person@{a.Slug}.test", roleIds = Array.Empty<Guid>() }, HttpStatusCode.Created);
        var unitType = await a.SendJsonAsync(HttpMethod.Post, "/api/v1/unit-types", new { code = "2BR-A", name = "Two bedroom", category = "apartment" }, HttpStatusCode.Created);
        var componentType = await a.SendJsonAsync(HttpMethod.Post, "/api/v1/component-types", new { code = "PARKING", name = "Parking", category = "parking" }, HttpStatusCode.Created);
        var project = await a.SendJsonAsync(HttpMethod.Post, "/api/v1/projects", new { name = "A project", code = "A1" }, HttpStatusCode.Created);
        var unit = await a.SendJsonAsync(HttpMethod.Post, "/api/v1/units",
            Inventory.InventorySeed.UnitBody(project.GetProperty("id").GetGuid(), "U1", geometry: Inventory.InventorySeed.Point(55.15, 25.15)), HttpStatusCode.Created);
        var unitId = unit.GetProperty("id").GetGuid();
        var (_, agentToken, _) = await a.AddUserAsync("agent", $"agent@{a.Slug}.test");
        await a.SendJsonAsync(HttpMethod.Post, $"/api/v1/units/{unitId}/hold", new { dealId = await Inventory.InventorySeed.DealIdAsync(a, agentToken), holdMinutes = 30 }, HttpStatusCode.OK, agentToken);
        await a.SendJsonAsync(HttpMethod.Post, $"/api/v1/units/{unitId}/release", new { reason = "Sample" }, HttpStatusCode.OK);
        var notification = await Eventually.ReturnsAsync(
            async () => (await a.GetJsonAsync("/api/v1/notifications", agentToken)).GetProperty("items"), items => items.GetArrayLength() == 1);
        var lead = await a.SendJsonAsync(HttpMethod.Post, "/api/v1/leads", new { name = "A lead", phone = "+971501234567", source = "web" }, HttpStatusCode.Created);
        var queue = await a.SendJsonAsync(HttpMethod.Post, "/api/v1/call-queues", new { name = "A queue", groupId = group.GetProperty("id").GetGuid(), filter = new { statuses = new[] { "new" } } }, HttpStatusCode.Created);
        var company = await a.SendJsonAsync(HttpMethod.Post, "/api/v1/companies", new { name = "A company" }, HttpStatusCode.Created);
        var contact = await a.SendJsonAsync(HttpMethod.Post, "/api/v1/contacts", new { firstName = "A", companyId = company.GetProperty("id").GetGuid() }, HttpStatusCode.Created);
        var pipeline = await a.SendJsonAsync(HttpMethod.Post, "/api/v1/pipelines", new { name = "A pipeline", stages = new[] { new { name = "First" } } }, HttpStatusCode.Created);
        var deal = await a.SendJsonAsync(HttpMethod.Post, "/api/v1/deals", new { title = "A deal", pipelineId = pipeline.GetProperty("id").GetGuid(), value = new { amount = 1m, currency = "AED" } }, HttpStatusCode.Created);
        var task = await a.SendJsonAsync(HttpMethod.Post, "/api/v1/tasks", new { title = "A task", dueAt = DateTime.UtcNow.AddDays(1) }, HttpStatusCode.Created);
        await a.AddUserAsync("sales_manager", $"manager@{a.Slug}.test");
        var policy = await a.SendJsonAsync(HttpMethod.Post, "/api/v1/approval-policies", new { name = "A policy", action = "deal.win", approverRoleIds = new[] { await a.RoleIdAsync("sales_manager") } }, HttpStatusCode.Created);
        var approval = await a.SendJsonAsync(HttpMethod.Post, $"/api/v1/deals/{deal.GetProperty("id").GetGuid()}/win", new { }, HttpStatusCode.Accepted);
        return new Dictionary<string, Guid>
        {
            ["approval-policies"] = policy.GetProperty("id").GetGuid(),
            ["approvals"] = approval.GetProperty("approvalId").GetGuid(),
            ["tasks"] = task.GetProperty("id").GetGuid(),
            ["entities"] = lead.GetProperty("id").GetGuid(),
            ["pipelines"] = pipeline.GetProperty("id").GetGuid(),
            ["deals"] = deal.GetProperty("id").GetGuid(),
            ["companies"] = company.GetProperty("id").GetGuid(),
            ["contacts"] = contact.GetProperty("id").GetGuid(),
            ["leads"] = lead.GetProperty("id").GetGuid(),
            ["call-queues"] = queue.GetProperty("id").GetGuid(),
            ["notifications"] = notification[0].GetProperty("id").GetGuid(),
            ["unit-types"] = unitType.GetProperty("id").GetGuid(),
            ["component-types"] = componentType.GetProperty("id").GetGuid(),
            ["projects"] = project.GetProperty("id").GetGuid(),
            ["units"] = unitId,
            ["users"] = user.GetProperty("id").GetGuid(),
            ["roles"] = role.GetProperty("id").GetGuid(),
            ["groups"] = group.GetProperty("id").GetGuid(),
        };
    }
}
