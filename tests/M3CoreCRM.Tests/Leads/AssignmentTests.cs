using System.Net;
using M3CoreCRM.Tests.Api;
using M3CoreCRM.Tests.Identity;
using M3CoreCRM.Tests.Infrastructure;

namespace M3CoreCRM.Tests.Leads;

[Collection(PostgresCollection.Name)]
public sealed class AssignmentTests(PostgresFixture postgres) : ApiTestBase(postgres)
{
    [Fact]
    public async Task RoundRobinSplitsAHundredConcurrentAssignmentsTwentyToEachOfFiveAgents()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        var agents = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            agents.Add((await tenant.AddUserAsync("agent", $"rr{i}@example.test")).UserId);
        }

        var group = (await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/groups", new { name = "Callers", memberIds = agents }, HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var leads = new List<Guid>();
        for (var i = 0; i < 100; i++)
        {
            leads.Add(await tenant.LeadIdAsync());
        }

        var assigned = await Task.WhenAll(leads.Select(id =>
            tenant.SendJsonAsync(HttpMethod.Post, $"/api/v1/leads/{id}/assign", new { groupId = group, strategy = "round_robin" }, HttpStatusCode.OK)));

        var perAgent = assigned.GroupBy(l => l.GetProperty("ownerId").GetGuid()).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(agents.Order(), perAgent.Keys.Order());
        Assert.All(perAgent.Values, count => Assert.Equal(20, count));
        Assert.All(assigned, l => Assert.Equal(group, l.GetProperty("groupId").GetGuid()));

        // What the responses said is what is stored.
        foreach (var agent in agents)
        {
            Assert.Equal(20, (await tenant.AllLeadsAsync($"&ownerId={agent}")).Count);
        }
    }

    [Fact]
    public async Task LeastLoadedFillsTheEmptiestAgentFirst()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        var (busy, _, _) = await tenant.AddUserAsync("agent", "busy@example.test");
        var (idle, _, _) = await tenant.AddUserAsync("agent", "idle@example.test");
        for (var i = 0; i < 3; i++)
        {
            await tenant.LeadIdAsync(ownerId: busy);
        }

        var group = (await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/groups", new { name = "Pair", memberIds = new[] { busy, idle } }, HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var owners = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            var lead = await tenant.LeadIdAsync();
            owners.Add((await tenant.SendJsonAsync(HttpMethod.Post, $"/api/v1/leads/{lead}/assign", new { groupId = group, strategy = "least_loaded" }, HttpStatusCode.OK)).GetProperty("ownerId").GetGuid());
        }

        Assert.Equal([idle, idle, idle], owners.Take(3));
        Assert.Equal(1, owners.Skip(3).Count(o => o == idle));
        Assert.Equal(1, owners.Skip(3).Count(o => o == busy));
    }

    [Fact]
    public async Task AManagerAssignsWithinTheirGroupsOnly()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        var (manager, managerToken, _) = await tenant.AddUserAsync("sales_manager", "manager@example.test");
        var (teammate, _, _) = await tenant.AddUserAsync("agent", "mate@example.test");
        var (stranger, _, _) = await tenant.AddUserAsync("agent", "stranger@example.test");
        var team = (await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/groups", new { name = "Team", memberIds = new[] { manager, teammate } }, HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var others = (await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/groups", new { name = "Others", memberIds = new[] { stranger } }, HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var lead = await tenant.LeadIdAsync(ownerId: teammate);

        await ErrorFormatTests.AssertProblemAsync(await tenant.SendAsync(HttpMethod.Post, $"/api/v1/leads/{lead}/assign", new { ownerId = stranger }, managerToken), HttpStatusCode.Forbidden, "forbidden");
        await ErrorFormatTests.AssertProblemAsync(
            await tenant.SendAsync(HttpMethod.Post, $"/api/v1/leads/{lead}/assign", new { groupId = others, strategy = "round_robin" }, managerToken), HttpStatusCode.Forbidden, "forbidden");
        await ErrorFormatTests.AssertProblemAsync(await tenant.SendAsync(HttpMethod.Patch, $"/api/v1/leads/{lead}", new { ownerId = stranger }, managerToken), HttpStatusCode.Forbidden, "forbidden");
        var moved = await tenant.SendJsonAsync(HttpMethod.Post, $"/api/v1/leads/{lead}/assign", new { groupId = team, strategy = "least_loaded" }, HttpStatusCode.OK, managerToken);
        Assert.Contains(moved.GetProperty("ownerId").GetGuid(), new[] { manager, teammate });
    }

    [Fact]
    public async Task AssigningNeedsThePermissionAndAnActiveOwner()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        var (agent, agentToken, _) = await tenant.AddUserAsync("agent", "agent@example.test");
        var lead = await tenant.LeadIdAsync(token: agentToken);

        await ErrorFormatTests.AssertProblemAsync(await tenant.SendAsync(HttpMethod.Post, $"/api/v1/leads/{lead}/assign", new { ownerId = tenant.UserId }, agentToken), HttpStatusCode.Forbidden, "forbidden");
        await ErrorFormatTests.AssertProblemAsync(await tenant.SendAsync(HttpMethod.Post, $"/api/v1/leads/{lead}/assign", new { ownerId = Guid.CreateVersion7() }), HttpStatusCode.BadRequest, "validation_failed");
        var unknownGroup = await tenant.SendAsync(HttpMethod.Post, $"/api/v1/leads/{lead}/assign", new { groupId = Guid.CreateVersion7(), strategy = "round_robin" });
        Assert.True((await ErrorFormatTests.AssertProblemAsync(unknownGroup, HttpStatusCode.BadRequest, "validation_failed")).GetProperty("errors").TryGetProperty("groupId", out _));
        var emptyGroup = (await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/groups", new { name = "Nobody", memberIds = Array.Empty<Guid>() }, HttpStatusCode.Created)).GetProperty("id").GetGuid();
        await ErrorFormatTests.AssertProblemAsync(
            await tenant.SendAsync(HttpMethod.Post, $"/api/v1/leads/{lead}/assign", new { groupId = emptyGroup, strategy = "round_robin" }), HttpStatusCode.Conflict, "group_empty");

        var moved = await tenant.SendJsonAsync(HttpMethod.Post, $"/api/v1/leads/{lead}/assign", new { ownerId = tenant.UserId }, HttpStatusCode.OK);
        Assert.Equal(tenant.UserId, moved.GetProperty("ownerId").GetGuid());
        await ErrorFormatTests.AssertProblemAsync(await tenant.SendAsync(HttpMethod.Get, $"/api/v1/leads/{lead}", token: agentToken), HttpStatusCode.NotFound, "not_found");
        Assert.NotEqual(agent, tenant.UserId);
    }
}
