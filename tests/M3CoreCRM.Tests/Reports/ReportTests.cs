using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using M3CoreCRM.Tests.Api;
using M3CoreCRM.Tests.Infrastructure;
using M3CoreCRM.Tests.Inventory;
using M3CoreCRM.Tests.Leads;
using PdfSharp.Pdf.IO;

namespace M3CoreCRM.Tests.Reports;

/// <summary>Each report's numbers against a small data set whose totals are known, seen by the owner and by an agent with own scope.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ReportTests(PostgresFixture postgres) : InventoryTestBase(postgres)
{
    [Fact]
    public async Task AReportDateOutsideTheYears1900To9998IsA400()
    {
        var tenant = await TenantSession.SignUpAsync(Http);

        // The activity report counts its default period back from `to`: from year 1 there is none to count back.
        var response = await tenant.SendAsync(HttpMethod.Get, "/api/v1/reports/activity?to=0001-01-01T00:00:00Z");

        var problem = await ErrorFormatTests.AssertProblemAsync(response, HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty("to", out _));
    }

    [Fact]
    public async Task EachReportCountsTheSeededRecordsAndAnAgentSeesOnlyTheirOwn()
    {
        var seed = await SeedAsync();
        var tenant = seed.Tenant;

        // Pipeline: open deals by stage, weighted by the stage's probability; the won deal is not open.
        var pipeline = await tenant.GetJsonAsync($"/api/v1/reports/pipeline?pipelineId={seed.PipelineId}");
        var byStage = Rows(pipeline).ToDictionary(r => r.GetProperty("stage").GetString()!);
        Assert.Equal(2, byStage["Enquiry"].GetProperty("openDeals").GetInt32());
        Assert.Equal(300_000m, byStage["Enquiry"].GetProperty("openValue").GetDecimal());
        Assert.Equal(30_000m, byStage["Enquiry"].GetProperty("weightedValue").GetDecimal());
        Assert.Equal(1, byStage["Viewing"].GetProperty("openDeals").GetInt32());
        Assert.Equal(200_000m, byStage["Viewing"].GetProperty("weightedValue").GetDecimal());
        Assert.Equal(0, byStage["Reservation"].GetProperty("openDeals").GetInt32());
        Assert.Equal(3, pipeline.GetProperty("totals").GetProperty("openDeals").GetInt32());
        Assert.Equal(800_000m, pipeline.GetProperty("totals").GetProperty("openValue").GetDecimal());
        Assert.Equal("Seeded Realty", pipeline.GetProperty("tenant").GetString());

        var agentsPipeline = Rows(await tenant.GetJsonAsync($"/api/v1/reports/pipeline?pipelineId={seed.PipelineId}", seed.AgentA)).ToDictionary(r => r.GetProperty("stage").GetString()!);
        Assert.Equal(2, agentsPipeline["Enquiry"].GetProperty("openDeals").GetInt32());
        Assert.Equal(0, agentsPipeline["Viewing"].GetProperty("openDeals").GetInt32());
        var filtered = Rows(await tenant.GetJsonAsync($"/api/v1/reports/pipeline?pipelineId={seed.PipelineId}&ownerId={seed.AgentBId}")).ToDictionary(r => r.GetProperty("stage").GetString()!);
        Assert.Equal(0, filtered["Enquiry"].GetProperty("openDeals").GetInt32());
        Assert.Equal(1, filtered["Viewing"].GetProperty("openDeals").GetInt32());

        // Funnel: five leads, three of A's, one converted.
        var funnel = await tenant.GetJsonAsync("/api/v1/reports/funnel");
        Assert.Equal(5, funnel.GetProperty("totals").GetProperty("leads").GetInt32());
        Assert.Equal(1, funnel.GetProperty("totals").GetProperty("converted").GetInt32());
        Assert.Equal(20.0m, funnel.GetProperty("totals").GetProperty("conversionRate").GetDecimal());
        var statuses = Rows(funnel).ToDictionary(r => r.GetProperty("status").GetString()!);
        Assert.Equal(4, statuses["new"].GetProperty("leads").GetInt32());
        Assert.Equal(1, statuses["contacted"].GetProperty("leads").GetInt32());
        Assert.Equal(80.0m, statuses["new"].GetProperty("share").GetDecimal());
        Assert.Equal(["new", "contacted", "qualified", "won", "lost"], Rows(funnel).Select(r => r.GetProperty("status").GetString()));
        Assert.Equal(3, (await tenant.GetJsonAsync("/api/v1/reports/funnel", seed.AgentA)).GetProperty("totals").GetProperty("leads").GetInt32());
        Assert.Equal(2, (await tenant.GetJsonAsync($"/api/v1/reports/funnel?groupId={seed.GroupB}")).GetProperty("totals").GetProperty("leads").GetInt32());
        Assert.Equal(0, (await tenant.GetJsonAsync($"/api/v1/reports/funnel?from={DateTime.UtcNow.AddDays(1):O}")).GetProperty("totals").GetProperty("leads").GetInt32());

        // Agents: calls by outcome, conversions, deals won.
        var agents = Rows(await tenant.GetJsonAsync("/api/v1/reports/agents")).ToDictionary(r => r.GetProperty("agentId").GetGuid());
        Assert.Equal(2, agents[seed.AgentAId].GetProperty("calls").GetInt32());
        Assert.Equal(1, agents[seed.AgentAId].GetProperty("answered").GetInt32());
        Assert.Equal(1, agents[seed.AgentAId].GetProperty("noAnswer").GetInt32());
        Assert.Equal(1, agents[seed.AgentAId].GetProperty("conversions").GetInt32());
        Assert.Equal(1, agents[seed.AgentBId].GetProperty("busy").GetInt32());
        Assert.Equal(1, agents[tenant.UserId].GetProperty("dealsWon").GetInt32());
        Assert.Equal(1_000_000m, agents[tenant.UserId].GetProperty("wonValue").GetDecimal());
        Assert.Equal([seed.AgentAId], Rows(await tenant.GetJsonAsync("/api/v1/reports/agents", seed.AgentA)).Select(r => r.GetProperty("agentId").GetGuid()));

        // Inventory: three units, one on hold.
        var inventory = await tenant.GetJsonAsync("/api/v1/reports/inventory");
        Assert.Equal(3, inventory.GetProperty("totals").GetProperty("units").GetInt32());
        Assert.Equal(1, inventory.GetProperty("totals").GetProperty("on_hold").GetInt32());
        var available = Assert.Single(Rows(inventory), r => r.GetProperty("status").GetString() == "available");
        Assert.Equal(2, available.GetProperty("units").GetInt32());
        Assert.Equal(500_000m, available.GetProperty("value").GetDecimal());
        Assert.Equal(0, (await tenant.GetJsonAsync($"/api/v1/reports/inventory?projectId={Guid.CreateVersion7()}")).GetProperty("totals").GetProperty("units").GetInt32());

        // Activity: today's calls (three) and the conversion's none; A sees their own two.
        var activity = await tenant.GetJsonAsync("/api/v1/reports/activity");
        Assert.Equal(3, activity.GetProperty("totals").GetProperty("call").GetInt32());
        Assert.Equal(2, (await tenant.GetJsonAsync("/api/v1/reports/activity", seed.AgentA)).GetProperty("totals").GetProperty("call").GetInt32());
    }

    [Fact]
    public async Task ReportsExportAsCsvAndAsAOnePagePdfWithTheTenantsName()
    {
        var seed = await SeedAsync();
        var tenant = seed.Tenant;

        var csvResponse = await tenant.SendAsync(HttpMethod.Get, $"/api/v1/reports/pipeline?format=csv&pipelineId={seed.PipelineId}");
        Assert.Equal(HttpStatusCode.OK, csvResponse.StatusCode);
        Assert.Equal("text/csv", csvResponse.Content.Headers.ContentType?.MediaType);
        var lines = (await csvResponse.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal("pipeline,stage,probability,openDeals,openValue,weightedValue,currency", lines[0]);
        Assert.Equal(4, lines.Length);
        Assert.StartsWith("Off-plan,Enquiry,10,2,300000", lines[1], StringComparison.Ordinal);

        var request = tenant.Request(HttpMethod.Get, "/api/v1/reports/agents");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/csv"));
        var agentsCsv = await (await Http.SendAsync(request)).Content.ReadAsStringAsync();
        Assert.StartsWith("agentId,agent,calls,answered,noAnswer,busy,callback,interested,notInterested,wrongNumber,conversions,dealsWon,wonValue", agentsCsv, StringComparison.Ordinal);

        var pdfResponse = await tenant.SendAsync(HttpMethod.Get, "/api/v1/reports/funnel?format=pdf");
        Assert.Equal(HttpStatusCode.OK, pdfResponse.StatusCode);
        Assert.Equal("application/pdf", pdfResponse.Content.Headers.ContentType?.MediaType);
        var pdf = await pdfResponse.Content.ReadAsByteArrayAsync();
        Assert.Equal("%PDF-", Encoding.ASCII.GetString(pdf, 0, 5));
        using var document = PdfReader.Open(new MemoryStream(pdf), PdfDocumentOpenMode.Import);
        Assert.Equal(1, document.PageCount);
        var text = string.Concat(document.Pages[0].Contents.Elements.Select(e => Encoding.Latin1.GetString(((PdfSharp.Pdf.PdfDictionary)((PdfSharp.Pdf.Advanced.PdfReference)e).Value).Stream.UnfilteredValue)));
        Assert.Contains("Seeded Realty", text, StringComparison.Ordinal);
        Assert.Contains("Lead funnel", text, StringComparison.Ordinal);

        await ErrorFormatTests.AssertProblemAsync(await tenant.SendAsync(HttpMethod.Get, "/api/v1/reports/weather"), HttpStatusCode.NotFound, "not_found");
        await ErrorFormatTests.AssertProblemAsync(await tenant.SendAsync(HttpMethod.Get, "/api/v1/reports/funnel?format=docx"), HttpStatusCode.BadRequest, "validation_failed");
        await ErrorFormatTests.AssertProblemAsync(
            await tenant.SendAsync(HttpMethod.Get, $"/api/v1/reports/funnel?from={DateTime.UtcNow:O}&to={DateTime.UtcNow.AddDays(-1):O}"), HttpStatusCode.BadRequest, "validation_failed");
        await ErrorFormatTests.AssertProblemAsync(
            await tenant.SendAsync(HttpMethod.Get, $"/api/v1/reports/activity?from={DateTime.UtcNow.AddDays(-400):O}"), HttpStatusCode.BadRequest, "validation_failed");
        var (_, viewerToken, _) = await tenant.AddUserAsync("viewer", "viewer@example.test");
        Assert.Equal(HttpStatusCode.OK, (await tenant.SendAsync(HttpMethod.Get, "/api/v1/reports/inventory", token: viewerToken)).StatusCode);
    }

    [Fact]
    public async Task EventsCarryWhatADashboardNeedsToUpdateItsFiguresWithoutAskingAgain()
    {
        var seed = await SeedAsync();
        var tenant = seed.Tenant;
        await tenant.SendJsonAsync(HttpMethod.Post, $"/api/v1/deals/{seed.DealB}/move", new { stageId = seed.Stages[2] }, HttpStatusCode.OK);
        await tenant.SendJsonAsync(HttpMethod.Post, $"/api/v1/units/{seed.Units[1]}/hold", new { dealId = seed.DealB, holdMinutes = 30 }, HttpStatusCode.OK);

        var moved = JsonDocument.Parse(Assert.Single(await QueryAsSystemAsync(
            "SELECT data::text FROM events WHERE tenant_id = $1 AND type = 'deal.stage_changed' AND entity_id = $2", r => r.GetString(0), tenant.TenantId, seed.DealB))).RootElement;
        Assert.Equal(seed.Stages[1], moved.GetProperty("previousStageId").GetGuid());
        Assert.Equal(seed.Stages[2], moved.GetProperty("stageId").GetGuid());
        Assert.Equal(500_000m, moved.GetProperty("value").GetProperty("amount").GetDecimal());

        var held = JsonDocument.Parse((await QueryAsSystemAsync(
            "SELECT data::text FROM events WHERE tenant_id = $1 AND type = 'unit.status_changed' AND entity_id = $2 ORDER BY id DESC LIMIT 1", r => r.GetString(0), tenant.TenantId, seed.Units[1]))[0]).RootElement;
        Assert.Equal("available", held.GetProperty("previousStatus").GetString());
        Assert.Equal("on_hold", held.GetProperty("status").GetString());
        Assert.Equal(200_000m, held.GetProperty("listPrice").GetProperty("amount").GetDecimal());
    }

    [Fact]
    public async Task AReportIsServedAgainUntilAWriteChangesItAndAReadRightAfterAWriteCountsIt()
    {
        var seed = await SeedAsync();
        var tenant = seed.Tenant;
        async Task<(DateTime GeneratedAt, int Leads)> FunnelAsync(string? token = null)
        {
            var funnel = await tenant.GetJsonAsync("/api/v1/reports/funnel", token);
            return (funnel.GetProperty("generatedAt").GetDateTime(), funnel.GetProperty("totals").GetProperty("leads").GetInt32());
        }

        // Once the seeding's events are taken in, the funnel's answer is kept: asked again, it is the same answer.
        var kept = await Eventually.ReturnsAsync(async () => (First: await FunnelAsync(), Second: await FunnelAsync()), pair => pair.First.GeneratedAt == pair.Second.GeneratedAt);
        Assert.Equal(5, kept.First.Leads);

        // An agent of own scope does not get the owner's answer: theirs counts their own leads.
        Assert.Equal(3, (await FunnelAsync(seed.AgentA)).Leads);

        // A lead written and the funnel read at once: the answer counts it, whether or not its event has been numbered.
        await tenant.LeadAsync(ownerId: seed.AgentAId);
        var afterWrite = await FunnelAsync();
        Assert.Equal(6, afterWrite.Leads);
        Assert.NotEqual(kept.First.GeneratedAt, afterWrite.GeneratedAt);
        Assert.Equal(4, (await FunnelAsync(seed.AgentA)).Leads);

        // A change committed with its event, which the relay has not numbered yet (it numbers on its own every 2 s):
        // the grain has seen nothing of it, yet the answer read now counts it.
        await Eventually.ReturnsAsync(async () => (First: await FunnelAsync(), Second: await FunnelAsync()), pair => pair.First.GeneratedAt == pair.Second.GeneratedAt);
        var leadId = (await QueryAsSystemAsync("SELECT id FROM leads WHERE tenant_id = $1 AND status = 'new' LIMIT 1", r => r.GetGuid(0), tenant.TenantId))[0];
        await ExecuteAsSystemAsync("""
            WITH changed AS (UPDATE leads SET state = jsonb_set(state, '{status}', '"qualified"') WHERE tenant_id = $1 AND id = $2 RETURNING id)
            INSERT INTO events (tenant_id, type, entity_type, entity_id, data) SELECT $1, 'lead.changed_by_test', 'lead', id, '{}' FROM changed
            """, tenant.TenantId, leadId);
        var qualified = Rows(await tenant.GetJsonAsync("/api/v1/reports/funnel")).Single(r => r.GetProperty("status").GetString() == "qualified");
        Assert.Equal(1, qualified.GetProperty("leads").GetInt32());

        // A unit written and the inventory read at once, after its answer was kept: likewise.
        await Eventually.ReturnsAsync(
            async () => (First: await tenant.GetJsonAsync("/api/v1/reports/inventory"), Second: await tenant.GetJsonAsync("/api/v1/reports/inventory")),
            pair => pair.First.GetProperty("generatedAt").GetDateTime() == pair.Second.GetProperty("generatedAt").GetDateTime());
        await tenant.UnitAsync(seed.ProjectId, "R-4", price: 400_000m);
        Assert.Equal(4, (await tenant.GetJsonAsync("/api/v1/reports/inventory")).GetProperty("totals").GetProperty("units").GetInt32());
    }

    [Fact]
    public async Task ACallLoggedAsAnActivityDropsTheKeptAgentsAnswerAndItsEventLeavesTheBodyOut()
    {
        var seed = await SeedAsync();
        var tenant = seed.Tenant;
        async Task<(DateTime GeneratedAt, int Calls)> AgentAsync()
        {
            var agents = await tenant.GetJsonAsync("/api/v1/reports/agents");
            var row = Rows(agents).Single(r => r.GetProperty("agentId").GetGuid() == tenant.UserId);
            return (agents.GetProperty("generatedAt").GetDateTime(), row.GetProperty("calls").GetInt32());
        }

        var kept = await Eventually.ReturnsAsync(async () => (First: await AgentAsync(), Second: await AgentAsync()), pair => pair.First.GeneratedAt == pair.Second.GeneratedAt);
        var leadId = (await QueryAsSystemAsync("SELECT id FROM leads WHERE tenant_id = $1 LIMIT 1", r => r.GetGuid(0), tenant.TenantId))[0];
        await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/activities",
            new { type = "call", subject = new { type = "lead", id = leadId }, outcome = "answered", durationSeconds = 42, body = "Asked about the sea view" }, HttpStatusCode.Created);

        // Once the call's event is numbered, the answer kept before it is no longer served: the call counts.
        await Eventually.ReturnsAsync(() => QueryAsSystemAsync("SELECT count(*)::int FROM events WHERE tenant_id = $1 AND seq IS NULL", r => r.GetInt32(0), tenant.TenantId), rows => rows[0] == 0);
        Assert.Equal(kept.First.Calls + 1, (await AgentAsync()).Calls);

        var created = JsonDocument.Parse(Assert.Single(await QueryAsSystemAsync(
            "SELECT data::text FROM events WHERE tenant_id = $1 AND type = 'activity.created' AND data ->> 'outcome' = 'answered' AND (data ->> 'durationSeconds')::int = 42", r => r.GetString(0), tenant.TenantId))).RootElement;
        Assert.Equal("call", created.GetProperty("type").GetString());
        Assert.Equal(leadId, created.GetProperty("subjectId").GetGuid());
        Assert.Equal(tenant.UserId, created.GetProperty("ownerId").GetGuid());
        Assert.False(created.TryGetProperty("body", out _));
    }

    private sealed record Seed(TenantSession Tenant, string AgentA, Guid AgentAId, Guid AgentBId, Guid GroupB, Guid PipelineId, Guid DealB, Guid[] Stages, Guid[] Units, Guid ProjectId);

    /// <summary>
    /// Agent A: three leads (one converted), two calls (answered, no answer), two open deals in Enquiry (100,000 and 200,000).
    /// Agent B (in group B): two leads (one contacted), one call (busy), one open deal in Viewing (500,000). The owner: one won deal (1,000,000).
    /// Three units of 100,000, 200,000 and 300,000, the first on hold.
    /// </summary>
    private async Task<Seed> SeedAsync()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        await tenant.SendJsonAsync(HttpMethod.Patch, "/api/v1/tenant", new { name = "Seeded Realty" }, HttpStatusCode.OK);
        var (agentAId, agentA, _) = await tenant.AddUserAsync("agent", "a@example.test");
        var (agentBId, agentB, _) = await tenant.AddUserAsync("agent", "b@example.test");
        var groupB = (await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/groups", new { name = "Team B", memberIds = new[] { agentBId } }, HttpStatusCode.Created)).GetProperty("id").GetGuid();

        var leadsA = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            leadsA.Add((await tenant.LeadAsync(ownerId: agentAId)).GetProperty("id").GetGuid());
        }

        var leadsB = new[] { (await tenant.LeadAsync(ownerId: agentBId)).GetProperty("id").GetGuid(), (await tenant.LeadAsync(ownerId: agentBId, status: "contacted")).GetProperty("id").GetGuid() };
        await tenant.SendJsonAsync(HttpMethod.Post, $"/api/v1/leads/{leadsA[0]}/calls", new { disposition = "answered", durationSeconds = 60 }, HttpStatusCode.OK, agentA);
        await tenant.SendJsonAsync(HttpMethod.Post, $"/api/v1/leads/{leadsA[1]}/calls", new { disposition = "no_answer" }, HttpStatusCode.OK, agentA);
        await tenant.SendJsonAsync(HttpMethod.Post, $"/api/v1/leads/{leadsB[0]}/calls", new { disposition = "busy" }, HttpStatusCode.OK, agentB);
        await tenant.SendJsonAsync(HttpMethod.Post, $"/api/v1/leads/{leadsA[0]}/convert", new { }, HttpStatusCode.OK, agentA);

        var pipeline = await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/pipelines", new
        {
            name = "Off-plan",
            stages = new object[] { new { name = "Enquiry", probability = 10 }, new { name = "Viewing", probability = 40 }, new { name = "Reservation", probability = 80 } },
        }, HttpStatusCode.Created);
        var pipelineId = pipeline.GetProperty("id").GetGuid();
        var stages = pipeline.GetProperty("stages").EnumerateArray().Select(s => s.GetProperty("id").GetGuid()).ToArray();
        async Task<Guid> DealAsync(string token, decimal amount, Guid stage) =>
            (await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/deals", new { title = $"Deal {amount}", pipelineId, stageId = stage, value = new { amount, currency = "AED" } }, HttpStatusCode.Created, token))
            .GetProperty("id").GetGuid();
        await DealAsync(agentA, 100_000m, stages[0]);
        await DealAsync(agentA, 200_000m, stages[0]);
        var dealB = await DealAsync(agentB, 500_000m, stages[1]);
        var won = await DealAsync(tenant.AccessToken, 1_000_000m, stages[2]);
        await tenant.SendJsonAsync(HttpMethod.Post, $"/api/v1/deals/{won}/win", new { }, HttpStatusCode.OK);

        await tenant.UnitTypeAsync();
        var project = await tenant.ProjectAsync();
        var units = new[] { await tenant.UnitAsync(project, "R-1", price: 100_000m), await tenant.UnitAsync(project, "R-2", price: 200_000m), await tenant.UnitAsync(project, "R-3", price: 300_000m) };
        await tenant.SendJsonAsync(HttpMethod.Post, $"/api/v1/units/{units[0]}/hold", new { dealId = dealB, holdMinutes = 30 }, HttpStatusCode.OK);
        return new Seed(tenant, agentA, agentAId, agentBId, groupB, pipelineId, dealB, stages, units, project);
    }

    private static List<JsonElement> Rows(JsonElement report) => [.. report.GetProperty("rows").EnumerateArray()];
}
