using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using M3CoreCRM.Tests.Api;
using M3CoreCRM.Tests.Identity;
using M3CoreCRM.Tests.Infrastructure;
using M3CoreCRM.Tests.Leads;

namespace M3CoreCRM.Tests.Deals;

[Collection(PostgresCollection.Name)]
public sealed class DealTests(PostgresFixture postgres) : ApiTestBase(postgres)
{
    [Fact]
    public async Task ADealMovesThroughItsPipelineAndIsWonOnce()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        var pipeline = await PipelineAsync(tenant);
        var stages = pipeline.GetProperty("stages").EnumerateArray().Select(s => s.GetProperty("id").GetGuid()).ToList();
        var pipelineId = pipeline.GetProperty("id").GetGuid();

        var deal = await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/deals", new { title = "Marina 2BR", pipelineId, value = new { amount = 1_200_000m, currency = "AED" } }, HttpStatusCode.Created);
        var dealId = deal.GetProperty("id").GetGuid();
        Assert.Equal(stages[0], deal.GetProperty("stageId").GetGuid());
        Assert.Equal("open", deal.GetProperty("status").GetString());

        var moved = await tenant.SendJsonAsync(HttpMethod.Post, $"/api/v1/deals/{dealId}/move", new { stageId = stages[1] }, HttpStatusCode.OK);
        Assert.Equal(stages[1], moved.GetProperty("stageId").GetGuid());
        await ErrorFormatTests.AssertProblemAsync(await tenant.SendAsync(HttpMethod.Post, $"/api/v1/deals/{dealId}/move", new { stageId = Guid.CreateVersion7() }), HttpStatusCode.BadRequest, "validation_failed");
        Assert.Equal(12.5m, (await tenant.SendJsonAsync(HttpMethod.Post, $"/api/v1/deals/{dealId}/discount", new { discountPercent = 12.5m }, HttpStatusCode.OK)).GetProperty("discountPercent").GetDecimal());
        await ErrorFormatTests.AssertProblemAsync(await tenant.SendAsync(HttpMethod.Post, $"/api/v1/deals/{dealId}/discount", new { discountPercent = 120 }), HttpStatusCode.BadRequest, "validation_failed");

        // A stage with a deal in it stays.
        await ErrorFormatTests.AssertProblemAsync(
            await tenant.SendAsync(HttpMethod.Patch, $"/api/v1/pipelines/{pipelineId}", new { stages = new[] { new { id = stages[0], name = "Enquiry" } } }), HttpStatusCode.Conflict, "stage_in_use");

        var won = await tenant.SendJsonAsync(HttpMethod.Post, $"/api/v1/deals/{dealId}/win", new { reason = "Paid the deposit" }, HttpStatusCode.OK);
        Assert.Equal("won", won.GetProperty("status").GetString());
        Assert.Equal("Paid the deposit", won.GetProperty("closedReason").GetString());
        await ErrorFormatTests.AssertProblemAsync(await tenant.SendAsync(HttpMethod.Post, $"/api/v1/deals/{dealId}/lose", new { reason = "Changed mind" }), HttpStatusCode.Conflict, "deal_closed");
        await ErrorFormatTests.AssertProblemAsync(await tenant.SendAsync(HttpMethod.Post, $"/api/v1/deals/{dealId}/move", new { stageId = stages[2] }), HttpStatusCode.Conflict, "deal_closed");

        // A won deal is final: a refused change is not kept for a later write either.
        await ErrorFormatTests.AssertProblemAsync(await tenant.SendAsync(HttpMethod.Patch, $"/api/v1/deals/{dealId}", new { stageId = stages[2] }), HttpStatusCode.Conflict, "deal_closed");
        await ErrorFormatTests.AssertProblemAsync(await tenant.SendAsync(HttpMethod.Post, $"/api/v1/deals/{dealId}/discount", new { discountPercent = 1 }), HttpStatusCode.Conflict, "deal_closed");
        Assert.Equal(stages[1], (await tenant.GetJsonAsync($"/api/v1/deals/{dealId}")).GetProperty("stageId").GetGuid());

        var listed = Assert.Single((await tenant.GetJsonAsync($"/api/v1/deals?status=won&pipelineId={pipelineId}")).GetProperty("items").EnumerateArray());
        Assert.Equal(dealId, listed.GetProperty("id").GetGuid());
        Assert.Empty((await tenant.GetJsonAsync("/api/v1/deals?status=open")).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task AContactsAndACompanysDealsAreListedByTheirIds()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        var pipelineId = (await PipelineAsync(tenant)).GetProperty("id").GetGuid();
        var company = (await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/companies", new { name = "Harbour Holdings" }, HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var contact = (await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/contacts", new { firstName = "Hana", lastName = "Haddad", companyId = company }, HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var other = (await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/contacts", new { firstName = "Omar", lastName = "Other" }, HttpStatusCode.Created)).GetProperty("id").GetGuid();
        async Task<Guid> DealAsync(string title, Guid? contactId, Guid? companyId) =>
            (await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/deals", new { title, pipelineId, value = new { amount = 900_000m, currency = "AED" }, contactId, companyId }, HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var both = await DealAsync("Harbour villa", contact, company);
        var companyOnly = await DealAsync("Harbour offices", null, company);
        await DealAsync("Other flat", other, null);

        Guid[] Ids(JsonElement page) => [.. page.GetProperty("items").EnumerateArray().Select(d => d.GetProperty("id").GetGuid())];
        Assert.Equal([both], Ids(await tenant.GetJsonAsync($"/api/v1/deals?contactId={contact}")));
        Assert.Equal(new[] { both, companyOnly }.Order(), Ids(await tenant.GetJsonAsync($"/api/v1/deals?companyId={company}")).Order());
        Assert.Empty(Ids(await tenant.GetJsonAsync($"/api/v1/deals?companyId={Guid.CreateVersion7()}")));
        await ErrorFormatTests.AssertProblemAsync(await tenant.SendAsync(HttpMethod.Get, "/api/v1/deals?contactId=not-a-uuid"), HttpStatusCode.BadRequest, "validation_failed");
    }

    [Theory]
    [InlineData("pipelines", new[] { "name", "stages" })]
    [InlineData("deals", new[] { "title", "pipelineId", "stageId", "value", "unitIds", "ownerId" })]
    public async Task APatchSettingARequiredFieldToNullIsRefusedAndChangesNothing(string route, string[] fields)
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        var pipelineId = (await PipelineAsync(tenant)).GetProperty("id").GetGuid();
        var id = route == "pipelines"
            ? pipelineId
            : (await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/deals", new { title = "Marina 2BR", pipelineId, value = new { amount = 1_200_000m, currency = "AED" } }, HttpStatusCode.Created))
                .GetProperty("id").GetGuid();

        await tenant.AssertNullIsRefusedAsync($"/api/v1/{route}/{id}", fields);
    }

    [Fact]
    public async Task BadDealsAreRefusedAndAgentsSeeTheirOwn()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        var pipelineId = (await PipelineAsync(tenant)).GetProperty("id").GetGuid();
        var bad = await tenant.SendAsync(HttpMethod.Post, "/api/v1/deals", new { title = "", pipelineId, value = new { amount = 1.234m, currency = "XXQ" } });
        var errors = (await ErrorFormatTests.AssertProblemAsync(bad, HttpStatusCode.BadRequest, "validation_failed")).GetProperty("errors");
        Assert.True(errors.TryGetProperty("title", out _));
        await ErrorFormatTests.AssertProblemAsync(
            await tenant.SendAsync(HttpMethod.Post, "/api/v1/deals", new { title = "X", pipelineId = Guid.CreateVersion7(), value = new { amount = 1m, currency = "AED" } }), HttpStatusCode.BadRequest, "validation_failed");
        await ErrorFormatTests.AssertProblemAsync(
            await tenant.SendAsync(HttpMethod.Post, "/api/v1/deals", new { title = "X", pipelineId, value = new { amount = 1m, currency = "AED" }, contactId = Guid.CreateVersion7() }), HttpStatusCode.BadRequest, "validation_failed");
        await ErrorFormatTests.AssertProblemAsync(
            await tenant.SendAsync(HttpMethod.Post, $"/api/v1/deals/{Guid.CreateVersion7()}/lose", new { reason = "x" }), HttpStatusCode.NotFound, "not_found");

        var (_, agentToken, _) = await tenant.AddUserAsync("agent", "agent@example.test");
        var mine = (await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/deals", new { title = "Mine", pipelineId, value = new { amount = 1m, currency = "AED" } }, HttpStatusCode.Created, agentToken)).GetProperty("id").GetGuid();
        var theirs = (await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/deals", new { title = "Theirs", pipelineId, value = new { amount = 1m, currency = "AED" } }, HttpStatusCode.Created)).GetProperty("id").GetGuid();
        Assert.Equal([mine], (await tenant.GetJsonAsync("/api/v1/deals", agentToken)).GetProperty("items").EnumerateArray().Select(d => d.GetProperty("id").GetGuid()));
        await ErrorFormatTests.AssertProblemAsync(await tenant.SendAsync(HttpMethod.Post, $"/api/v1/deals/{theirs}/win", new { }, agentToken), HttpStatusCode.NotFound, "not_found");
        await ErrorFormatTests.AssertProblemAsync(await tenant.SendAsync(HttpMethod.Post, $"/api/v1/deals/{mine}/lose", new { }, agentToken), HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    public async Task ConcurrentConversionsOfOneLeadConvertItExactlyOnce()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        var pipelineId = (await PipelineAsync(tenant)).GetProperty("id").GetGuid();
        var lead = await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/leads", new
        {
            name = "Karim Nasser", phone = "+971507770001", email = "karim@example.test", source = "web", budget = new { amount = 2_500_000m, currency = "AED" },
        }, HttpStatusCode.Created);
        var leadId = lead.GetProperty("id").GetGuid();

        var attempts = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ =>
            tenant.SendAsync(HttpMethod.Post, $"/api/v1/leads/{leadId}/convert", new { companyName = "Nasser Trading", deal = new { pipelineId } })));

        var done = Assert.Single(attempts, r => r.StatusCode == HttpStatusCode.OK);
        foreach (var refused in attempts.Where(r => r != done))
        {
            await ErrorFormatTests.AssertProblemAsync(refused, HttpStatusCode.Conflict, "already_converted");
        }

        var conversion = await done.Content.ReadFromJsonAsync<JsonElement>();
        var contactId = conversion.GetProperty("contactId").GetGuid();
        var companyId = conversion.GetProperty("companyId").GetGuid();
        var dealId = conversion.GetProperty("dealId").GetGuid();

        var contact = await tenant.GetJsonAsync($"/api/v1/contacts/{contactId}");
        Assert.Equal("Karim", contact.GetProperty("firstName").GetString());
        Assert.Equal("Nasser", contact.GetProperty("lastName").GetString());
        Assert.Equal(["+971507770001"], contact.GetProperty("phones").EnumerateArray().Select(p => p.GetString()));
        Assert.Equal(companyId, contact.GetProperty("companyId").GetGuid());
        var deal = await tenant.GetJsonAsync($"/api/v1/deals/{dealId}");
        Assert.Equal(leadId, deal.GetProperty("leadId").GetGuid());
        Assert.Equal(contactId, deal.GetProperty("contactId").GetGuid());
        Assert.Equal(2_500_000m, deal.GetProperty("value").GetProperty("amount").GetDecimal());
        Assert.Equal(contactId, (await tenant.GetJsonAsync($"/api/v1/leads/{leadId}")).GetProperty("conversion").GetProperty("contactId").GetGuid());

        Assert.Single((await tenant.GetJsonAsync("/api/v1/contacts")).GetProperty("items").EnumerateArray());
        Assert.Single((await tenant.GetJsonAsync("/api/v1/companies")).GetProperty("items").EnumerateArray());
        Assert.Single((await tenant.GetJsonAsync($"/api/v1/deals?leadId={leadId}")).GetProperty("items").EnumerateArray());
    }

    private static Task<JsonElement> PipelineAsync(TenantSession tenant) =>
        tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/pipelines", new
        {
            name = "Off-plan sales",
            stages = new object[]
            {
                new { name = "Enquiry", probability = 10 },
                new { name = "Viewing", probability = 40 },
                new { name = "Reservation", probability = 80 },
            },
        }, HttpStatusCode.Created);
}
