using System.Net;
using System.Text.Json;
using M3CoreCRM.Tests.Api;
using M3CoreCRM.Tests.Identity;
using M3CoreCRM.Tests.Infrastructure;

namespace M3CoreCRM.Tests.Dashboards;

[Collection(PostgresCollection.Name)]
public sealed class DashboardTests(PostgresFixture postgres) : ApiTestBase(postgres)
{
    [Fact]
    public async Task AUserSeesTheirRolesDefaultLayoutUntilTheySaveTheirOwn()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        var (_, agentToken, _) = await tenant.AddUserAsync("agent", "agent@example.test");

        var owners = await tenant.GetJsonAsync("/api/v1/dashboards/me");
        Assert.True(owners.GetProperty("isDefault").GetBoolean());
        Assert.Contains(owners.GetProperty("widgets").EnumerateArray(), w => w.GetProperty("type").GetString() == "approvals_pending");
        var agents = await tenant.GetJsonAsync("/api/v1/dashboards/me", agentToken);
        Assert.Equal("calls_today", agents.GetProperty("widgets")[0].GetProperty("type").GetString());
        Assert.DoesNotContain(agents.GetProperty("widgets").EnumerateArray(), w => w.GetProperty("type").GetString() == "approvals_pending");

        // Every default layout is itself a valid layout: saving the agent's default back is accepted as it is.
        var saved = await tenant.SendJsonAsync(HttpMethod.Put, "/api/v1/dashboards/me", new { widgets = agents.GetProperty("widgets") }, HttpStatusCode.OK, agentToken);
        Assert.False(saved.GetProperty("isDefault").GetBoolean());

        var layout = new
        {
            widgets = new object[]
            {
                new { id = "kpi", type = "kpi", @params = new { metric = "won_value", periodDays = 90 }, x = 0, y = 0, w = 3, h = 2 },
                new { type = "pipeline_value", x = 3, y = 0, w = 9, h = 4 },
                new { id = "inventory", type = "inventory_status", x = 0, y = 4, w = 12, h = 3 },
            },
        };
        var mine = await tenant.SendJsonAsync(HttpMethod.Put, "/api/v1/dashboards/me", layout, HttpStatusCode.OK);
        var version = mine.GetProperty("version").GetInt64();
        var reread = await tenant.GetJsonAsync("/api/v1/dashboards/me");
        Assert.False(reread.GetProperty("isDefault").GetBoolean());
        var widgets = reread.GetProperty("widgets").EnumerateArray().ToList();
        Assert.Equal(["kpi", "pipeline_value", "inventory_status"], widgets.Select(w => w.GetProperty("type").GetString()));
        Assert.Equal(90, widgets[0].GetProperty("params").GetProperty("periodDays").GetInt32());
        Assert.True(Guid.TryParse(widgets[1].GetProperty("id").GetString(), out _), "a widget sent without an id gets one");
        Assert.Equal(12, widgets[2].GetProperty("w").GetInt32());

        // The agent's own layout is untouched by the owner's; a stale If-Match is refused.
        Assert.Equal(agents.GetProperty("widgets").GetArrayLength(), (await tenant.GetJsonAsync("/api/v1/dashboards/me", agentToken)).GetProperty("widgets").GetArrayLength());
        var stale = tenant.Request(HttpMethod.Put, "/api/v1/dashboards/me", layout);
        stale.Headers.IfMatch.Add(new System.Net.Http.Headers.EntityTagHeaderValue($"\"{version - 1}\""));
        await ErrorFormatTests.AssertProblemAsync(await Http.SendAsync(stale), HttpStatusCode.PreconditionFailed, "version_mismatch");
    }

    [Fact]
    public async Task LayoutsThatBreakTheGridOrTheCatalogAreRefusedFieldByField()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        var other = await TenantSession.SignUpAsync(Http);
        var othersGroup = (await other.SendJsonAsync(HttpMethod.Post, "/api/v1/groups", new { name = "Theirs", memberIds = new[] { other.UserId } }, HttpStatusCode.Created)).GetProperty("id").GetGuid();

        async Task RefusedAsync(object widget, string field, object? second = null)
        {
            var widgets = second is null ? new[] { widget } : new[] { widget, second };
            var problem = await ErrorFormatTests.AssertProblemAsync(await tenant.SendAsync(HttpMethod.Put, "/api/v1/dashboards/me", new { widgets }), HttpStatusCode.BadRequest, "validation_failed");
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"{field} not named in {problem}");
        }

        await RefusedAsync(new { type = "weather", x = 0, y = 0, w = 4, h = 4 }, "widgets[0].type");
        await RefusedAsync(new { type = "funnel", x = 10, y = 0, w = 4, h = 4 }, "widgets[0].w");
        await RefusedAsync(new { type = "funnel", x = 0, y = 0, w = 4, h = 20 }, "widgets[0].h");
        await RefusedAsync(new { type = "funnel", x = 12, y = 0, w = 4, h = 4 }, "widgets[0].x");
        await RefusedAsync(new { type = "funnel", x = 0, y = -1, w = 4, h = 4 }, "widgets[0].y");
        await RefusedAsync(new { type = "funnel", x = 0, y = 0, w = 4, h = 4, @params = new { colour = "red" } }, "widgets[0].params.colour");
        await RefusedAsync(new { type = "funnel", x = 0, y = 0, w = 4, h = 4, @params = new { periodDays = 0 } }, "widgets[0].params.periodDays");
        await RefusedAsync(new { type = "kpi", x = 0, y = 0, w = 3, h = 2, @params = new { metric = "happiness" } }, "widgets[0].params.metric");
        await RefusedAsync(new { type = "funnel", x = 0, y = 0, w = 4, h = 4, @params = new { groupId = othersGroup } }, "widgets[0].params.groupId");
        await RefusedAsync(new { type = "funnel", x = 0, y = 0, w = 6, h = 4 }, "widgets", new { type = "pipeline_value", x = 4, y = 2, w = 6, h = 4 });
        await RefusedAsync(new { id = "a", type = "funnel", x = 0, y = 0, w = 4, h = 4 }, "widgets", new { id = "a", type = "funnel", x = 6, y = 0, w = 4, h = 4 });
        await ErrorFormatTests.AssertProblemAsync(await tenant.SendAsync(HttpMethod.Put, "/api/v1/dashboards/me", new { }), HttpStatusCode.BadRequest, "validation_failed");

        // Nothing refused was kept.
        Assert.True((await tenant.GetJsonAsync("/api/v1/dashboards/me")).GetProperty("isDefault").GetBoolean());
    }

    [Fact]
    public async Task TheWidgetCatalogDescribesEachTypesParametersSizesAndLiveEvents()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        var catalog = (await tenant.GetJsonAsync("/api/v1/dashboards/widgets")).EnumerateArray().ToDictionary(w => w.GetProperty("type").GetString()!);

        Assert.Equal(
            new[] { "agent_leaderboard", "approvals_pending", "calls_today", "funnel", "inventory_status", "kpi", "pipeline_value", "tasks_due" },
            catalog.Keys.Order(StringComparer.Ordinal));
        var kpi = catalog["kpi"];
        Assert.Equal("object", kpi.GetProperty("params").GetProperty("type").GetString());
        Assert.Contains("won_value", kpi.GetProperty("params").GetProperty("properties").GetProperty("metric").GetProperty("enum").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("uuid", catalog["pipeline_value"].GetProperty("params").GetProperty("properties").GetProperty("pipelineId").GetProperty("format").GetString());
        Assert.Contains("deal.stage_changed", catalog["pipeline_value"].GetProperty("liveEvents").EnumerateArray().Select(e => e.GetString()));
        Assert.Contains("unit.status_changed", catalog["inventory_status"].GetProperty("liveEvents").EnumerateArray().Select(e => e.GetString()));
        Assert.All(catalog.Values, w => Assert.True(w.GetProperty("minW").GetInt32() <= w.GetProperty("maxW").GetInt32()));
    }
}
