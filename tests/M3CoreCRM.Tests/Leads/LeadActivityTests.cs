using System.Net;
using M3CoreCRM.Tests.Api;
using M3CoreCRM.Tests.Identity;
using M3CoreCRM.Tests.Infrastructure;
using M3CoreCRM.Tests.Live;

namespace M3CoreCRM.Tests.Leads;

[Collection(PostgresCollection.Name)]
public sealed class LeadActivityTests(PostgresFixture postgres) : ApiTestBase(postgres)
{
    [Fact]
    public async Task CallsAndNotesAreListedOnTheLeadNewestFirstWithinTheReadersScope()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        var (_, agentToken, _) = await tenant.AddUserAsync("agent", "agent@example.test");
        var lead = await tenant.LeadIdAsync(token: agentToken);

        var call = await tenant.SendJsonAsync(HttpMethod.Post, $"/api/v1/leads/{lead}/calls", new { disposition = "busy", durationSeconds = 5, notes = "Line engaged" }, HttpStatusCode.OK, agentToken);
        Assert.Equal(1, call.GetProperty("calls").GetProperty("attempts").GetInt32());
        await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/activities",
            new { type = "note", subject = new { type = "lead", id = lead }, body = "Prefers WhatsApp", at = DateTime.UtcNow.AddMinutes(1) }, HttpStatusCode.Created);

        var listed = (await tenant.GetJsonAsync($"/api/v1/activities?subjectType=lead&subjectId={lead}")).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(["note", "call"], listed.Select(a => a.GetProperty("type").GetString()));
        Assert.Equal("call", Assert.Single((await tenant.GetJsonAsync($"/api/v1/activities?type=call&subjectId={lead}")).GetProperty("items").EnumerateArray()).GetProperty("type").GetString());
        Assert.Equal("busy", listed[1].GetProperty("outcome").GetString());
        Assert.Equal("Line engaged", listed[1].GetProperty("body").GetString());

        // The agent's own scope shows their call, not the owner's note.
        var agentsView = (await tenant.GetJsonAsync($"/api/v1/activities?subjectId={lead}", agentToken)).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal("call", Assert.Single(agentsView).GetProperty("type").GetString());

        var bad = await tenant.SendAsync(HttpMethod.Post, "/api/v1/activities", new { type = "dance", subject = new { type = "lead", id = Guid.CreateVersion7() } });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var unknown = await tenant.SendAsync(HttpMethod.Post, "/api/v1/activities", new { type = "note", subject = new { type = "lead", id = Guid.CreateVersion7() } });
        Assert.True((await ErrorFormatTests.AssertProblemAsync(unknown, HttpStatusCode.BadRequest, "validation_failed")).GetProperty("errors").TryGetProperty("subject.id", out _));
    }

    [Fact]
    public async Task LeadChangesAreStreamedAndTheNewAssigneeIsNotified()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        var (agent, agentToken, _) = await tenant.AddUserAsync("agent", "agent@example.test");
        await using var ownerStream = await EventStreamClient.OpenAsync(tenant);
        await using var agentStream = await EventStreamClient.OpenAsync(tenant, token: agentToken);

        var lead = await tenant.LeadIdAsync(name: "Layla");
        await tenant.SendJsonAsync(HttpMethod.Post, $"/api/v1/leads/{lead}/assign", new { ownerId = agent }, HttpStatusCode.OK);

        var ownerSaw = await ownerStream.TakeAsync(2);
        Assert.Equal(["lead.created", "lead.assigned"], ownerSaw.Select(e => e.Type));
        Assert.Equal(agent, ownerSaw[1].Data.GetProperty("data").GetProperty("ownerId").GetGuid());

        // The agent could not see the lead while it was the owner's; once assigned, they see it and are told.
        var agentSaw = await agentStream.TakeAsync(2);
        Assert.Equal(["lead.assigned", "notification.created"], agentSaw.Select(e => e.Type));
        Assert.Equal("Lead assigned: Layla", agentSaw[1].Data.GetProperty("data").GetProperty("title").GetString());
        Assert.Equal(1, (await tenant.GetJsonAsync("/api/v1/notifications/unread-count", agentToken)).GetProperty("count").GetInt32());
    }
}
