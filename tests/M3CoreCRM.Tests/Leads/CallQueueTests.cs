using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using M3CoreCRM.Tests.Api;
using M3CoreCRM.Tests.Infrastructure;
using M3CoreCRM.Tests.Inventory;
using M3CoreCRM.Tests.Live;

namespace M3CoreCRM.Tests.Leads;

[Collection(PostgresCollection.Name)]
public sealed class CallQueueTests(PostgresFixture postgres) : InventoryTestBase(postgres)
{
    protected override IReadOnlyDictionary<string, string>? Settings => new Dictionary<string, string>
    {
        ["RateLimits:TenantPerSecond"] = "100000",
    };

    [Fact]
    public async Task TwentyAgentsPullingAQueueOfTwoHundredLeadsNeverGetTheSameLead()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        var agents = new List<(Guid Id, string Token)>();
        for (var i = 0; i < 20; i++)
        {
            var (id, token, _) = await tenant.AddUserAsync("agent", $"caller{i}@example.test");
            agents.Add((id, token));
        }

        var group = (await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/groups", new { name = "Floor", memberIds = agents.Select(a => a.Id) }, HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var leads = new HashSet<Guid>();
        await Parallel.ForEachAsync(Enumerable.Range(0, 200), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (_, _) =>
        {
            var id = (await tenant.LeadAsync(tags: ["campaign-7"], groupId: group)).GetProperty("id").GetGuid();
            lock (leads)
            {
                leads.Add(id);
            }
        });
        var queue = await QueueAsync(tenant, group, tags: ["campaign-7"]);

        var handed = new ConcurrentBag<(Guid Agent, Guid Lead)>();
        await Task.WhenAll(agents.Select(async agent =>
        {
            while (true)
            {
                var response = await tenant.SendAsync(HttpMethod.Post, $"/api/v1/call-queues/{queue}/next", new { }, agent.Token);
                if (response.StatusCode == HttpStatusCode.NoContent)
                {
                    return;
                }

                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                var lead = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
                var leadId = lead.GetProperty("id").GetGuid();
                Assert.Equal(agent.Id, lead.GetProperty("calls").GetProperty("lockedBy").GetGuid());
                handed.Add((agent.Id, leadId));
                await tenant.SendJsonAsync(HttpMethod.Post, $"/api/v1/leads/{leadId}/calls", new { disposition = "interested", durationSeconds = 42 }, HttpStatusCode.OK, agent.Token);
            }
        }));

        Assert.Equal(200, handed.Count);
        Assert.Equal(leads.Order(), handed.Select(h => h.Lead).Order());
        Assert.True(handed.GroupBy(h => h.Agent).Count() > 1, "one agent took everything");
        var called = await tenant.AllLeadsAsync();
        Assert.All(called, l => Assert.Equal(1, l.GetProperty("calls").GetProperty("attempts").GetInt32()));
    }

    [Fact]
    public async Task TwoQueuesOverTheSameLeadsNeverHandOneLeadToTwoAgents()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        var agents = new List<(Guid Id, string Token)>();
        for (var i = 0; i < 8; i++)
        {
            var (id, token, _) = await tenant.AddUserAsync("agent", $"dual{i}@example.test");
            agents.Add((id, token));
        }

        var group = (await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/groups", new { name = "Floor", memberIds = agents.Select(a => a.Id) }, HttpStatusCode.Created)).GetProperty("id").GetGuid();
        for (var i = 0; i < 60; i++)
        {
            await tenant.LeadAsync(groupId: group, source: i % 2 == 0 ? "web" : "referral");
        }

        // One queue by status, one by source: every web lead is in both.
        var byStatus = await QueueAsync(tenant, group);
        var bySource = (await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/call-queues", new { name = "Web", groupId = group, filter = new { sources = new[] { "web" } } }, HttpStatusCode.Created)).GetProperty("id").GetGuid();

        var handed = new ConcurrentBag<Guid>();
        await Task.WhenAll(agents.Select(async (agent, i) =>
        {
            var queue = i % 2 == 0 ? byStatus : bySource;
            while (true)
            {
                var response = await tenant.SendAsync(HttpMethod.Post, $"/api/v1/call-queues/{queue}/next", new { }, agent.Token);
                if (response.StatusCode == HttpStatusCode.NoContent)
                {
                    return;
                }

                var leadId = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid();
                handed.Add(leadId);
                await tenant.SendJsonAsync(HttpMethod.Post, $"/api/v1/leads/{leadId}/calls", new { disposition = "not_interested" }, HttpStatusCode.OK, agent.Token);
            }
        }));

        Assert.Equal(60, handed.Count);
        Assert.Equal(60, handed.Distinct().Count());
    }

    [Fact]
    public async Task AnAgentHoldingALeadMayReadAndCallItButNotChangeOrDeleteIt()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        var (agent, token, _) = await tenant.AddUserAsync("agent", "caller@example.test");
        var group = (await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/groups", new { name = "Floor", memberIds = new[] { agent } }, HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var lead = (await tenant.LeadAsync(groupId: group)).GetProperty("id").GetGuid();
        var queue = await QueueAsync(tenant, group);

        Assert.Equal(lead, await NextAsync(tenant, queue, token));
        await tenant.GetJsonAsync($"/api/v1/leads/{lead}", token);
        await ErrorFormatTests.AssertProblemAsync(await tenant.SendAsync(HttpMethod.Patch, $"/api/v1/leads/{lead}", new { name = "Renamed" }, token), HttpStatusCode.NotFound, "not_found");
        await ErrorFormatTests.AssertProblemAsync(await tenant.SendAsync(HttpMethod.Delete, $"/api/v1/leads/{lead}", token: token), HttpStatusCode.NotFound, "not_found");
        await tenant.SendJsonAsync(HttpMethod.Post, $"/api/v1/leads/{lead}/calls", new { disposition = "answered", durationSeconds = 90 }, HttpStatusCode.OK, token);

        // Once the call is logged the lock is gone, and with it the agent's view of someone else's lead.
        await ErrorFormatTests.AssertProblemAsync(await tenant.SendAsync(HttpMethod.Get, $"/api/v1/leads/{lead}", token: token), HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task NoAnswerSchedulesTheRetryAndACallbackItsTime()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        var (agent, token, _) = await tenant.AddUserAsync("agent", "caller@example.test");
        var group = (await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/groups", new { name = "Floor", memberIds = new[] { agent } }, HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var first = (await tenant.LeadAsync(groupId: group)).GetProperty("id").GetGuid();
        var second = (await tenant.LeadAsync(groupId: group)).GetProperty("id").GetGuid();
        var queue = await QueueAsync(tenant, group, retryAfterMinutes: 30);

        var handed = await NextAsync(tenant, queue, token);
        Assert.Equal(first, handed);
        var logged = await tenant.SendJsonAsync(HttpMethod.Post, $"/api/v1/leads/{first}/calls", new { disposition = "no_answer", durationSeconds = 0 }, HttpStatusCode.OK, token);
        var calls = logged.GetProperty("calls");
        Assert.Equal("no_answer", calls.GetProperty("lastDisposition").GetString());
        Assert.InRange(calls.GetProperty("nextCallAt").GetDateTime(), DateTime.UtcNow.AddMinutes(29), DateTime.UtcNow.AddMinutes(31));
        Assert.Equal(JsonValueKind.Null, calls.GetProperty("lockedBy").ValueKind);

        // The first lead waits for its retry: the queue hands out the second, then nothing.
        Assert.Equal(second, await NextAsync(tenant, queue, token));
        var callbackAt = DateTime.UtcNow.AddDays(1);
        await ErrorFormatTests.AssertProblemAsync(
            await tenant.SendAsync(HttpMethod.Post, $"/api/v1/leads/{second}/calls", new { disposition = "callback" }, token), HttpStatusCode.BadRequest, "validation_failed");
        var callback = await tenant.SendJsonAsync(HttpMethod.Post, $"/api/v1/leads/{second}/calls", new { disposition = "callback", durationSeconds = 65, callbackAt }, HttpStatusCode.OK, token);
        Assert.Equal(callbackAt, callback.GetProperty("calls").GetProperty("nextCallAt").GetDateTime(), TimeSpan.FromMilliseconds(1));
        Assert.Equal(HttpStatusCode.NoContent, (await tenant.SendAsync(HttpMethod.Post, $"/api/v1/call-queues/{queue}/next", new { }, token)).StatusCode);
    }

    [Fact]
    public async Task ALockedLeadIsNotHandedToAnotherAgentUntilItsLockRunsOut()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        var (one, oneToken, _) = await tenant.AddUserAsync("agent", "one@example.test");
        var (two, twoToken, _) = await tenant.AddUserAsync("agent", "two@example.test");
        var group = (await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/groups", new { name = "Floor", memberIds = new[] { one, two } }, HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var lead = (await tenant.LeadAsync(groupId: group)).GetProperty("id").GetGuid();
        var queue = await QueueAsync(tenant, group);

        Assert.Equal(lead, await NextAsync(tenant, queue, oneToken, lockMinutes: 5));
        Assert.Equal(HttpStatusCode.NoContent, (await tenant.SendAsync(HttpMethod.Post, $"/api/v1/call-queues/{queue}/next", new { }, twoToken)).StatusCode);
        await ErrorFormatTests.AssertProblemAsync(
            await tenant.SendAsync(HttpMethod.Post, $"/api/v1/leads/{lead}/calls", new { disposition = "answered" }, twoToken), HttpStatusCode.NotFound, "not_found");

        // Time passes: the stored lock runs out and its reminder comes due (the host restarts to read the stored state).
        Assert.Equal(1, await ExecuteAsSystemAsync(ReminderRows.BringDue("lead"), lead));
        await ExecuteAsSystemAsync("UPDATE leads SET state = jsonb_set(state, '{calls,lockedUntil}', to_jsonb(to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'))) WHERE id = $1", lead);
        await RestartAsync();
        var session = tenant with { Http = Http };

        // The reminder clears the lock from the record itself; then the other agent gets the lead.
        await Eventually.ReturnsAsync(
            async () => (await session.GetJsonAsync($"/api/v1/leads/{lead}")).GetProperty("calls").GetProperty("lockedBy").ValueKind, kind => kind == JsonValueKind.Null);
        Assert.Equal(lead, await NextAsync(session, queue, twoToken));
        Assert.NotEqual(one, two);
    }

    [Fact]
    public async Task OnlyMembersOfTheQueuesGroupTakeLeadsFromIt()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        var (member, _, _) = await tenant.AddUserAsync("agent", "member@example.test");
        var (_, outsiderToken, _) = await tenant.AddUserAsync("agent", "outsider@example.test");
        var group = (await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/groups", new { name = "Floor", memberIds = new[] { member } }, HttpStatusCode.Created)).GetProperty("id").GetGuid();
        await tenant.LeadAsync(groupId: group);
        var queue = await QueueAsync(tenant, group);

        await ErrorFormatTests.AssertProblemAsync(await tenant.SendAsync(HttpMethod.Post, $"/api/v1/call-queues/{queue}/next", new { }, outsiderToken), HttpStatusCode.Forbidden, "forbidden");
        await ErrorFormatTests.AssertProblemAsync(await tenant.SendAsync(HttpMethod.Post, "/api/v1/call-queues", new { name = "Mine", filter = new { statuses = new[] { "asleep" } } }, outsiderToken), HttpStatusCode.Forbidden, "forbidden");
        var bad = await tenant.SendAsync(HttpMethod.Post, "/api/v1/call-queues", new { name = "", retryAfterMinutes = 0, maxAttempts = 1000, filter = new { statuses = new[] { "asleep" } } });
        var errors = (await ErrorFormatTests.AssertProblemAsync(bad, HttpStatusCode.BadRequest, "validation_failed")).GetProperty("errors");
        foreach (var field in new[] { "name", "groupId", "retryAfterMinutes", "maxAttempts", "filter.statuses" })
        {
            Assert.True(errors.TryGetProperty(field, out _), $"no message for {field}: {errors}");
        }
    }

    [Fact]
    public async Task APatchSettingARequiredFieldToNullIsRefusedAndChangesNothing()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        var group = (await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/groups", new { name = "Floor", memberIds = new[] { tenant.UserId } }, HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var queue = await QueueAsync(tenant, group);

        await tenant.AssertNullIsRefusedAsync($"/api/v1/call-queues/{queue}",
            "name", "groupId", "filter", "retryAfterMinutes", "maxAttempts", "filter.statuses", "filter.sources", "filter.tags");
    }

    private static async Task<Guid> QueueAsync(TenantSession tenant, Guid group, string[]? tags = null, int retryAfterMinutes = 60) =>
        (await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/call-queues", new
        {
            name = "Campaign",
            groupId = group,
            filter = new { statuses = new[] { "new", "contacted" }, sources = Array.Empty<string>(), tags = tags ?? [] },
            retryAfterMinutes,
            maxAttempts = 3,
        }, HttpStatusCode.Created)).GetProperty("id").GetGuid();

    private static async Task<Guid> NextAsync(TenantSession tenant, Guid queue, string token, int lockMinutes = 10) =>
        (await tenant.SendJsonAsync(HttpMethod.Post, $"/api/v1/call-queues/{queue}/next", new { lockMinutes }, HttpStatusCode.OK, token)).GetProperty("id").GetGuid();
}
