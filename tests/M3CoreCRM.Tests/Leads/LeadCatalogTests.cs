using System.Net;
using M3CoreCRM.Tests.Api;
using M3CoreCRM.Tests.Identity;
using M3CoreCRM.Tests.Infrastructure;

namespace M3CoreCRM.Tests.Leads;

[Collection(PostgresCollection.Name)]
public sealed class LeadCatalogTests(PostgresFixture postgres) : ApiTestBase(postgres)
{
    [Fact]
    public async Task ATenantAddsStatusesAndSourcesThatLeadsThenUse()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        var statuses = await tenant.GetJsonAsync("/api/v1/lead-statuses");
        Assert.Equal(["new", "contacted", "qualified", "won", "lost"], statuses.GetProperty("items").EnumerateArray().Select(s => s.GetProperty("key").GetString()));

        await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/lead-statuses", new { key = "site_visit_booked", name = "Site visit booked", category = "open", order = 35 }, HttpStatusCode.Created);
        await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/lead-sources", new { key = "property_portal", name = "Property portal" }, HttpStatusCode.Created);
        await ErrorFormatTests.AssertProblemAsync(
            await tenant.SendAsync(HttpMethod.Post, "/api/v1/lead-statuses", new { key = "new", name = "Again", category = "open" }), HttpStatusCode.Conflict, "status_exists");
        await ErrorFormatTests.AssertProblemAsync(
            await tenant.SendAsync(HttpMethod.Post, "/api/v1/lead-sources", new { key = "Bad Key!", name = "X" }), HttpStatusCode.BadRequest, "validation_failed");
        var (_, agentToken, _) = await tenant.AddUserAsync("agent", "agent@example.test");
        await ErrorFormatTests.AssertProblemAsync(
            await tenant.SendAsync(HttpMethod.Post, "/api/v1/lead-sources", new { key = "mine", name = "Mine" }, agentToken), HttpStatusCode.Forbidden, "forbidden");

        var ordered = (await tenant.GetJsonAsync("/api/v1/lead-statuses")).GetProperty("items").EnumerateArray().Select(s => s.GetProperty("key").GetString()).ToList();
        Assert.Equal(3, ordered.IndexOf("site_visit_booked"));
        var lead = await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/leads", new { name = "Portal lead", source = "property_portal", status = "site_visit_booked" }, HttpStatusCode.Created);
        Assert.Equal("open", lead.GetProperty("statusCategory").GetString());
        Assert.Contains("property_portal", (await tenant.GetJsonAsync("/api/v1/lead-sources", agentToken)).GetProperty("items").EnumerateArray().Select(s => s.GetProperty("key").GetString()));
    }

    [Fact]
    public async Task QueuesCompaniesAndPipelinesAreReadAndChangedWithVersions()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        var group = (await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/groups", new { name = "Floor", memberIds = new[] { tenant.UserId } }, HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var queue = await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/call-queues", new { name = "Morning", groupId = group, filter = new { statuses = new[] { "new" }, tags = new[] { "vip" } } }, HttpStatusCode.Created);
        var queueId = queue.GetProperty("id").GetGuid();
        var changed = await tenant.SendJsonAsync(HttpMethod.Patch, $"/api/v1/call-queues/{queueId}", new { name = "Evening", filter = new { sources = new[] { "web" } } }, HttpStatusCode.OK);
        Assert.Equal("Evening", changed.GetProperty("name").GetString());
        Assert.Equal(["new"], changed.GetProperty("filter").GetProperty("statuses").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal(["vip"], changed.GetProperty("filter").GetProperty("tags").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal(["web"], changed.GetProperty("filter").GetProperty("sources").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal("Evening", Assert.Single((await tenant.GetJsonAsync("/api/v1/call-queues")).GetProperty("items").EnumerateArray()).GetProperty("name").GetString());

        var stale = tenant.Request(HttpMethod.Patch, $"/api/v1/call-queues/{queueId}", new { name = "Night" });
        stale.Headers.TryAddWithoutValidation("If-Match", "\"1\"");
        await ErrorFormatTests.AssertProblemAsync(await Http.SendAsync(stale), HttpStatusCode.PreconditionFailed, "version_mismatch");

        var company = (await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/companies", new { name = "Acme" }, HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var renamed = await tenant.SendJsonAsync(HttpMethod.Patch, $"/api/v1/companies/{company}", new { industry = "Construction" }, HttpStatusCode.OK);
        Assert.Equal("Acme", renamed.GetProperty("name").GetString());
        Assert.Equal("Construction", (await tenant.GetJsonAsync($"/api/v1/companies/{company}")).GetProperty("industry").GetString());

        var pipeline = await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/pipelines", new { name = "Resale", stages = new[] { new { name = "Lead" }, new { name = "Offer" } } }, HttpStatusCode.Created);
        var pipelineId = pipeline.GetProperty("id").GetGuid();
        var grown = await tenant.SendJsonAsync(HttpMethod.Patch, $"/api/v1/pipelines/{pipelineId}", new { name = "Resale 2026" }, HttpStatusCode.OK);
        Assert.Equal(2, grown.GetProperty("stages").GetArrayLength());
        // Beside the tenant's own, the pipeline every tenant starts with.
        var pipelines = (await tenant.GetJsonAsync("/api/v1/pipelines")).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(["Resale 2026", "Sales"], pipelines.Select(p => p.GetProperty("name").GetString()));
        Assert.Equal(["New enquiry", "Viewing", "Negotiation", "Reservation"], pipelines[1].GetProperty("stages").EnumerateArray().Select(s => s.GetProperty("name").GetString()));
    }
}
