using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using M3CoreCRM.Tests.Identity;
using M3CoreCRM.Tests.Infrastructure;
using M3CoreCRM.Tests.Inventory;
using M3CoreCRM.Tests.Leads;

namespace M3CoreCRM.Tests.Api;

/// <summary>Section 1 of the contract: times are ISO 8601 in UTC with <c>Z</c>, in every response.</summary>
[Collection(PostgresCollection.Name)]
public sealed partial class TimestampTests(PostgresFixture postgres) : ApiTestBase(postgres)
{
    [Fact]
    public async Task EveryTimeInLeadsHoldsAuditLogsUsersAndNotificationsIsWrittenInUtcWithZ()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        var (_, agentToken, _) = await tenant.AddUserAsync("agent", $"agent@{tenant.Slug}.test");
        var lead = await tenant.LeadIdAsync();
        await tenant.UnitTypeAsync();
        var unit = await tenant.UnitAsync(await tenant.ProjectAsync(), "A-101");
        var hold = await tenant.SendJsonAsync(HttpMethod.Post, $"/api/v1/units/{unit}/hold", new { dealId = await tenant.DealIdAsync(agentToken), holdMinutes = 30 }, HttpStatusCode.OK, agentToken);
        await tenant.SendJsonAsync(HttpMethod.Post, $"/api/v1/units/{unit}/release", new { reason = "Freed" }, HttpStatusCode.OK);
        var notifications = await Eventually.ReturnsAsync(() => tenant.GetJsonAsync("/api/v1/notifications", agentToken), page => page.GetProperty("items").GetArrayLength() > 0);

        AssertTimesInZ(await tenant.GetJsonAsync($"/api/v1/leads/{lead}"), "createdAt");
        AssertTimesInZ(hold, "holdExpiresAt");
        AssertTimesInZ(await tenant.GetJsonAsync("/api/v1/audit-logs"), "at");
        AssertTimesInZ(await tenant.GetJsonAsync("/api/v1/users"), "createdAt");
        AssertTimesInZ(notifications, "createdAt");
    }

    /// <summary>Every string that is a time, anywhere in <paramref name="json"/>, ends in Z; and <paramref name="field"/> is among them.</summary>
    private static void AssertTimesInZ(JsonElement json, string field)
    {
        var times = new List<(string Name, string Value)>();
        Collect(json, "", times);
        Assert.Contains(times, t => t.Name == field);
        Assert.All(times, t => Assert.True(t.Value.EndsWith('Z'), $"{t.Name}: {t.Value}"));
    }

    private static void Collect(JsonElement json, string name, List<(string, string)> times)
    {
        switch (json.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in json.EnumerateObject())
                {
                    Collect(property.Value, property.Name, times);
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in json.EnumerateArray())
                {
                    Collect(item, name, times);
                }

                break;
            case JsonValueKind.String when Time().IsMatch(json.GetString()!):
                times.Add((name, json.GetString()!));
                break;
        }
    }

    [GeneratedRegex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d")]
    private static partial Regex Time();
}
