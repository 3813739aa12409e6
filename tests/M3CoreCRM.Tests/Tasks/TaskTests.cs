using System.Net;
using System.Text.Json;
using M3CoreCRM.Tests.Api;
using M3CoreCRM.Tests.Infrastructure;
using M3CoreCRM.Tests.Inventory;
using M3CoreCRM.Tests.Leads;

namespace M3CoreCRM.Tests.Tasks;

[Collection(PostgresCollection.Name)]
public sealed class TaskTests(PostgresFixture postgres) : InventoryTestBase(postgres)
{
    [Fact]
    public async Task TaskListQMatchesTheTitle()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        foreach (var title in new[] { "Send the floor plans", "Call about 50% discount", "Book a site visit" })
        {
            await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/tasks", new { title, dueAt = DateTime.UtcNow.AddHours(1), assigneeId = tenant.UserId, priority = "normal" }, HttpStatusCode.Created);
        }

        static IEnumerable<string?> Titles(JsonElement page) => page.GetProperty("items").EnumerateArray().Select(t => t.GetProperty("title").GetString());
        Assert.Equal(3, (await tenant.GetJsonAsync("/api/v1/tasks")).GetProperty("items").GetArrayLength());
        Assert.Equal(["Send the floor plans"], Titles(await tenant.GetJsonAsync("/api/v1/tasks?q=FLOOR")));
        Assert.Equal(["Call about 50% discount"], Titles(await tenant.GetJsonAsync("/api/v1/tasks?q=%25")));
        Assert.Empty(Titles(await tenant.GetJsonAsync("/api/v1/tasks?q=nothing like it")));
    }

    [Fact]
    public async Task AnOverdueTaskRaisesTaskDueAndNotifiesItsAssigneeOnce()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        var (agent, agentToken, _) = await tenant.AddUserAsync("agent", "agent@example.test");
        var lead = await tenant.LeadIdAsync(ownerId: agent);
        var task = await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/tasks", new
        {
            title = "Send the floor plans", dueAt = DateTime.UtcNow.AddHours(1), assigneeId = agent, subject = new { type = "lead", id = lead }, priority = "high",
        }, HttpStatusCode.Created);
        var taskId = task.GetProperty("id").GetGuid();
        Assert.False(task.GetProperty("overdue").GetBoolean());
        Assert.Equal([1L], await QueryAsSystemAsync(ReminderRows.Count("task"), r => r.GetInt64(0), taskId));

        // Moving the due time into the past arms a new reminder (due now) and retires the old one.
        await tenant.SendJsonAsync(HttpMethod.Patch, $"/api/v1/tasks/{taskId}", new { dueAt = DateTime.UtcNow.AddMinutes(-1) }, HttpStatusCode.OK);
        var notification = await Eventually.ReturnsAsync(
            async () => (await tenant.GetJsonAsync("/api/v1/notifications", agentToken)).GetProperty("items"), items => items.GetArrayLength() == 1);
        Assert.Equal("task.due", notification[0].GetProperty("eventType").GetString());
        Assert.Equal("Task due: Send the floor plans", notification[0].GetProperty("title").GetString());
        await Eventually.ReturnsAsync(() => QueryAsSystemAsync(ReminderRows.Count("task"), r => r.GetInt64(0), taskId), rows => rows[0] == 0);

        var listed = Assert.Single((await tenant.GetJsonAsync($"/api/v1/tasks?subjectType=lead&subjectId={lead}", agentToken)).GetProperty("items").EnumerateArray());
        Assert.True(listed.GetProperty("overdue").GetBoolean());
        var done = await tenant.SendJsonAsync(HttpMethod.Post, $"/api/v1/tasks/{taskId}/complete", null, HttpStatusCode.OK, agentToken);
        Assert.Equal("completed", done.GetProperty("status").GetString());
        Assert.False(done.GetProperty("overdue").GetBoolean());
        Assert.Equal(done.GetProperty("completedAt").GetDateTime(), (await tenant.SendJsonAsync(HttpMethod.Post, $"/api/v1/tasks/{taskId}/complete", null, HttpStatusCode.OK, agentToken)).GetProperty("completedAt").GetDateTime());
        Assert.Empty((await tenant.GetJsonAsync("/api/v1/tasks?status=open", agentToken)).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task TasksNeedATitleADueTimeAndASubjectTheCallerMayRead()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        var bad = await tenant.SendAsync(HttpMethod.Post, "/api/v1/tasks", new { title = "" });
        var errors = (await ErrorFormatTests.AssertProblemAsync(bad, HttpStatusCode.BadRequest, "validation_failed")).GetProperty("errors");
        Assert.True(errors.TryGetProperty("title", out _) && errors.TryGetProperty("dueAt", out _));
        await ErrorFormatTests.AssertProblemAsync(
            await tenant.SendAsync(HttpMethod.Post, "/api/v1/tasks", new { title = "X", dueAt = DateTime.UtcNow, subject = new { type = "deal", id = Guid.CreateVersion7() } }), HttpStatusCode.BadRequest, "validation_failed");
        await ErrorFormatTests.AssertProblemAsync(
            await tenant.SendAsync(HttpMethod.Post, "/api/v1/tasks", new { title = "X", dueAt = DateTime.UtcNow, subject = new { type = "spaceship", id = Guid.CreateVersion7() } }), HttpStatusCode.BadRequest, "validation_failed");

        var (_, agentToken, _) = await tenant.AddUserAsync("agent", "agent@example.test");
        await ErrorFormatTests.AssertProblemAsync(
            await tenant.SendAsync(HttpMethod.Post, "/api/v1/tasks", new { title = "For the boss", dueAt = DateTime.UtcNow, assigneeId = tenant.UserId }, agentToken), HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task APatchSettingARequiredFieldToNullIsRefusedAndChangesNothing()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        var id = (await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/tasks", new { title = "Send the floor plans", dueAt = DateTime.UtcNow.AddDays(1) }, HttpStatusCode.Created))
            .GetProperty("id").GetGuid();

        await tenant.AssertNullIsRefusedAsync($"/api/v1/tasks/{id}", "title", "dueAt", "assigneeId", "priority");
    }

    [Fact]
    public async Task ALeadsTimelineShowsChangesActivitiesAndTasksNewestFirst()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        var lead = await tenant.LeadIdAsync(name: "Timeline Lead");
        await tenant.SendJsonAsync(HttpMethod.Patch, $"/api/v1/leads/{lead}", new { status = "contacted" }, HttpStatusCode.OK);
        await tenant.SendJsonAsync(HttpMethod.Post, $"/api/v1/leads/{lead}/calls", new { disposition = "no_answer" }, HttpStatusCode.OK);
        await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/activities", new { type = "note", subject = new { type = "lead", id = lead }, body = "Prefers email" }, HttpStatusCode.Created);
        await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/tasks", new { title = "Call back", dueAt = DateTime.UtcNow.AddDays(2), subject = new { type = "lead", id = lead } }, HttpStatusCode.Created);

        var all = new List<JsonElement>();
        string? cursor = null;
        do
        {
            var page = await tenant.GetJsonAsync($"/api/v1/entities/lead/{lead}/timeline?limit=2{(cursor is null ? "" : "&cursor=" + cursor)}");
            all.AddRange(page.GetProperty("items").EnumerateArray());
            cursor = page.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null);

        Assert.Equal(["task", "activity", "change", "activity", "change", "change"], all.Select(e => e.GetProperty("kind").GetString()));
        Assert.Equal(["task", "note", "call.logged", "call", "lead.updated", "lead.created"], all.Select(e => e.GetProperty("type").GetString()));
        Assert.Equal(all.Select(e => e.GetProperty("at").GetDateTime()).OrderDescending(), all.Select(e => e.GetProperty("at").GetDateTime()));
        await ErrorFormatTests.AssertProblemAsync(await tenant.SendAsync(HttpMethod.Get, $"/api/v1/entities/lead/{Guid.CreateVersion7()}/timeline"), HttpStatusCode.NotFound, "not_found");
    }
}
