using System.Net;
using System.Text.Json;
using M3CoreCRM.Grains.Abstractions.Events;
using M3CoreCRM.Grains.Abstractions.Tenancy;
using M3CoreCRM.Grains.Notifications;
using M3CoreCRM.Tests.Api;
using M3CoreCRM.Tests.Infrastructure;
using M3CoreCRM.Tests.Inventory;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace M3CoreCRM.Tests.Live;

[Collection(PostgresCollection.Name)]
public sealed class NotificationTests(PostgresFixture postgres) : InventoryTestBase(postgres)
{
    private static readonly string[] InApp = ["in_app"];
    private static readonly string[] InAppAndEmail = ["in_app", "email"];
    private static readonly string[] Sms = ["sms"];
    private static readonly string[] Pigeon = ["pigeon"];
    private static readonly string[] Owner = ["owner"];
    [Fact]
    public async Task AHoldReleasedBySomeoneElseNotifiesItsHolderInTheCentreAndOnTheirStreamOnly()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        var (_, agentToken, _) = await tenant.AddUserAsync("agent", "agent@example.test");
        var unitId = await UnitAsync(tenant);
        var dealId = await tenant.DealIdAsync(agentToken);
        await using var agentStream = await EventStreamClient.OpenAsync(tenant, token: agentToken);
        await using var ownerStream = await EventStreamClient.OpenAsync(tenant);

        // The agent's own hold notifies no one (not even the agent); the owner's release notifies the agent.
        await tenant.SendJsonAsync(HttpMethod.Post, $"/api/v1/units/{unitId}/hold", new { dealId, holdMinutes = 30 }, HttpStatusCode.OK, agentToken);
        await tenant.SendJsonAsync(HttpMethod.Post, $"/api/v1/units/{unitId}/release", new { reason = "Client went quiet" }, HttpStatusCode.OK);

        var agentSaw = await agentStream.TakeAsync(3);
        Assert.Equal(["unit.status_changed", "unit.status_changed", "notification.created"], agentSaw.Select(e => e.Type));
        var created = agentSaw[2].Data.GetProperty("data");
        Assert.Equal("unit.status_changed", created.GetProperty("eventType").GetString());
        Assert.Equal("Unit A-101: released", created.GetProperty("title").GetString());

        // The owner's stream has the two unit events and nothing of the agent's notification: the next thing it sees is a later event.
        Assert.Equal(["unit.status_changed", "unit.status_changed"], (await ownerStream.TakeAsync(2)).Select(e => e.Type));
        await tenant.SendJsonAsync(HttpMethod.Patch, $"/api/v1/units/{unitId}", new { orientation = "N" }, HttpStatusCode.OK);
        Assert.Equal("unit.updated", (await ownerStream.NextAsync()).Type);

        var list = await tenant.GetJsonAsync("/api/v1/notifications", agentToken);
        var only = Assert.Single(list.GetProperty("items").EnumerateArray());
        Assert.Equal(unitId, only.GetProperty("entityId").GetGuid());
        Assert.False(only.GetProperty("read").GetBoolean());
        Assert.Equal(1, (await tenant.GetJsonAsync("/api/v1/notifications/unread-count", agentToken)).GetProperty("count").GetInt32());
        Assert.Empty((await tenant.GetJsonAsync("/api/v1/notifications")).GetProperty("items").EnumerateArray());

        // Only the recipient can read it; reading twice changes nothing.
        var id = only.GetProperty("id").GetGuid();
        await ErrorFormatTests.AssertProblemAsync(await tenant.SendAsync(HttpMethod.Post, $"/api/v1/notifications/{id}/read"), HttpStatusCode.NotFound, "not_found");
        var read = await tenant.SendJsonAsync(HttpMethod.Post, $"/api/v1/notifications/{id}/read", null, HttpStatusCode.OK, agentToken);
        var again = await tenant.SendJsonAsync(HttpMethod.Post, $"/api/v1/notifications/{id}/read", null, HttpStatusCode.OK, agentToken);
        Assert.Equal(read.GetProperty("readAt").GetDateTime(), again.GetProperty("readAt").GetDateTime());
        Assert.Equal(0, (await tenant.GetJsonAsync("/api/v1/notifications/unread-count", agentToken)).GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task RulesNotifyEveryMemberOfARoleThroughEachChannelExactlyOnce()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        var (managerId, managerToken, _) = await tenant.AddUserAsync("sales_manager", "manager@example.test");
        var managerRole = await tenant.RoleIdAsync("sales_manager");
        var rules = await tenant.SendJsonAsync(HttpMethod.Put, "/api/v1/notification-rules", new
        {
            rules = new[] { new { eventType = "unit.status_changed", channels = InAppAndEmail, recipients = Array.Empty<string>(), roleIds = new[] { managerRole } } },
        }, HttpStatusCode.OK);
        Assert.False(rules.GetProperty("isDefault").GetBoolean());

        var unitId = await UnitAsync(tenant);
        var dealId = await tenant.DealIdAsync();
        await tenant.SendJsonAsync(HttpMethod.Post, $"/api/v1/units/{unitId}/hold", new { dealId, holdMinutes = 30 }, HttpStatusCode.OK);

        var outbox = Api.Services.GetRequiredService<DevelopmentOutbox>();
        await Eventually.TrueAsync(() => outbox.Sent.Any(m => m.To == "manager@example.test" && m.Subject == "Unit A-101: held"));
        var items = await Eventually.ReturnsAsync(
            async () => (await tenant.GetJsonAsync("/api/v1/notifications", managerToken)).GetProperty("items").GetArrayLength(), count => count == 1);
        Assert.Equal(1, items);

        // Dispatching the same events again (a crash before the checkpoint moved, or a second silo) creates nothing new.
        var dispatcher = Api.Services.GetRequiredService<NotificationDispatcher>();
        await dispatcher.DispatchAsync(tenant.TenantId, 0, CancellationToken.None);
        Assert.Equal(new Dictionary<(Guid, string), long> { [(managerId, "in_app")] = 1, [(managerId, "email")] = 1 }, await NotificationRowsAsync(tenant.TenantId));
        Assert.Empty((await tenant.GetJsonAsync("/api/v1/notifications")).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task ARoleMemberWhoMayNotReadTheRecordIsNotNotified()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        var (managerId, _, _) = await tenant.AddUserAsync("sales_manager", "manager@example.test");
        var outsiders = await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/roles",
            new { name = "Lead reader", grants = new[] { new { permission = "leads.read", scope = "all" } } }, HttpStatusCode.Created);
        var outsiderRole = outsiders.GetProperty("id").GetGuid();
        var lena = await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/users",
            new { name = "Lena", email = "lena@example.test", roleIds = new[] { outsiderRole }, password = "another long passphrase" }, HttpStatusCode.Created);
        await tenant.SendJsonAsync(HttpMethod.Put, "/api/v1/notification-rules", new
        {
            rules = new[] { new { eventType = "unit.status_changed", channels = InApp, roleIds = new[] { await tenant.RoleIdAsync("sales_manager"), outsiderRole } } },
        }, HttpStatusCode.OK);

        var unitId = await UnitAsync(tenant);
        var dealId = await tenant.DealIdAsync();
        await tenant.SendJsonAsync(HttpMethod.Post, $"/api/v1/units/{unitId}/hold", new { dealId, holdMinutes = 30 }, HttpStatusCode.OK);
        await Api.Services.GetRequiredService<IGrainFactory>().GetGrain<IEventRelayGrain>(tenant.TenantId, tenant.TenantId).PublishAsync();
        await Api.Services.GetRequiredService<NotificationDispatcher>().DispatchAsync(tenant.TenantId, 0, CancellationToken.None);

        var rows = await NotificationRowsAsync(tenant.TenantId);
        Assert.Equal(1, rows[(managerId, "in_app")]);
        Assert.DoesNotContain(rows.Keys, key => key.Item1 == lena.GetProperty("id").GetGuid());
    }

    /// <summary>The tenant's notification rows, counted per recipient and channel, straight from the table.</summary>
    private async Task<Dictionary<(Guid, string), long>> NotificationRowsAsync(Guid tenantId) =>
        (await QueryAsSystemAsync(
            "SELECT recipient_id, channel, count(*) FROM notifications WHERE tenant_id = $1 GROUP BY 1, 2",
            reader => (Key: (reader.GetGuid(0), reader.GetString(1)), Count: reader.GetInt64(2)), tenantId))
        .ToDictionary(row => row.Key, row => row.Count);

    [Fact]
    public async Task ReadAllMarksEverythingUpToNowAsRead()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        var (_, agentToken, _) = await tenant.AddUserAsync("agent", "agent@example.test");
        var units = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            units.Add(await UnitAsync(tenant, $"A-10{i}"));
            await HoldAndReleaseAsync(tenant, units[i], agentToken);
        }

        await Eventually.ReturnsAsync(() => UnreadAsync(tenant, agentToken), count => count == 3);
        var page = await tenant.GetJsonAsync("/api/v1/notifications?limit=2", agentToken);
        Assert.Equal(2, page.GetProperty("items").GetArrayLength());
        var rest = await tenant.GetJsonAsync($"/api/v1/notifications?limit=2&cursor={page.GetProperty("nextCursor").GetString()}", agentToken);
        Assert.Single(rest.GetProperty("items").EnumerateArray());
        Assert.Equal(JsonValueKind.Null, rest.GetProperty("nextCursor").ValueKind);

        await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/notifications/read-all", null, HttpStatusCode.OK, agentToken);
        Assert.Equal(0, await UnreadAsync(tenant, agentToken));
        Assert.All((await tenant.GetJsonAsync("/api/v1/notifications", agentToken)).GetProperty("items").EnumerateArray(), n => Assert.True(n.GetProperty("read").GetBoolean()));

        await HoldAndReleaseAsync(tenant, units[0], agentToken);
        await Eventually.ReturnsAsync(() => UnreadAsync(tenant, agentToken), count => count == 1);
        var unread = await tenant.GetJsonAsync("/api/v1/notifications?unread=true", agentToken);
        Assert.Equal(units[0], Assert.Single(unread.GetProperty("items").EnumerateArray()).GetProperty("entityId").GetGuid());
    }

    [Fact]
    public async Task RulesAreValidatedVersionedAndOnlyForSettingsManagers()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        var defaults = await tenant.GetJsonAsync("/api/v1/notification-rules");
        Assert.True(defaults.GetProperty("isDefault").GetBoolean());
        Assert.Contains(defaults.GetProperty("rules").EnumerateArray(), r => r.GetProperty("eventType").GetString() == "lead.assigned");

        var bad = await tenant.SendAsync(HttpMethod.Put, "/api/v1/notification-rules", new
        {
            rules = new object[]
            {
                new { eventType = "weather.changed", channels = InApp, recipients = Owner },
                new { eventType = "deal.won", channels = Array.Empty<string>(), recipients = Owner },
                new { eventType = "deal.lost", channels = Sms, roleIds = new[] { Guid.CreateVersion7() } },
                new { eventType = "deal.lost", channels = Sms, recipients = Owner },
            },
        });
        var problem = await ErrorFormatTests.AssertProblemAsync(bad, HttpStatusCode.BadRequest, "validation_failed");
        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty("rules[0].eventType", out _));
        Assert.True(errors.TryGetProperty("rules[1].channels", out _));
        Assert.True(errors.TryGetProperty("rules[2].roleIds", out _));
        Assert.True(errors.TryGetProperty("rules[3].eventType", out _));
        await ErrorFormatTests.AssertProblemAsync(
            await tenant.SendAsync(HttpMethod.Put, "/api/v1/notification-rules", new { rules = new[] { new { eventType = "deal.won", channels = Pigeon } } }),
            HttpStatusCode.BadRequest, "validation_failed");

        var saved = await tenant.SendJsonAsync(HttpMethod.Put, "/api/v1/notification-rules", new { rules = Array.Empty<object>() }, HttpStatusCode.OK);
        Assert.Equal(1, saved.GetProperty("version").GetInt64());
        Assert.Empty((await tenant.GetJsonAsync("/api/v1/notification-rules")).GetProperty("rules").EnumerateArray());

        var stale = tenant.Request(HttpMethod.Put, "/api/v1/notification-rules", new { rules = Array.Empty<object>() });
        stale.Headers.TryAddWithoutValidation("If-Match", "\"0\"");
        await ErrorFormatTests.AssertProblemAsync(await Http.SendAsync(stale), HttpStatusCode.PreconditionFailed, "version_mismatch");

        var (_, agentToken, _) = await tenant.AddUserAsync("agent", "agent@example.test");
        await ErrorFormatTests.AssertProblemAsync(await tenant.SendAsync(HttpMethod.Get, "/api/v1/notification-rules", token: agentToken), HttpStatusCode.Forbidden, "forbidden");
    }

    private static async Task<Guid> UnitAsync(TenantSession tenant, string code = "A-101")
    {
        var projects = await tenant.GetJsonAsync("/api/v1/projects");
        var projectId = projects.GetProperty("items").GetArrayLength() > 0
            ? projects.GetProperty("items")[0].GetProperty("id").GetGuid()
            : await tenant.ProjectAsync();
        if ((await tenant.GetJsonAsync("/api/v1/unit-types")).GetProperty("items").GetArrayLength() == 0)
        {
            await tenant.UnitTypeAsync();
        }

        return await tenant.UnitAsync(projectId, code);
    }

    private static async Task HoldAndReleaseAsync(TenantSession tenant, Guid unitId, string holderToken)
    {
        await tenant.SendJsonAsync(HttpMethod.Post, $"/api/v1/units/{unitId}/hold", new { dealId = await tenant.DealIdAsync(holderToken), holdMinutes = 30 }, HttpStatusCode.OK, holderToken);
        await tenant.SendJsonAsync(HttpMethod.Post, $"/api/v1/units/{unitId}/release", new { reason = "Freed" }, HttpStatusCode.OK);
    }

    private static async Task<int> UnreadAsync(TenantSession tenant, string token) =>
        (await tenant.GetJsonAsync("/api/v1/notifications/unread-count", token)).GetProperty("count").GetInt32();
}
