using System.Net;
using System.Text.Json;
using M3CoreCRM.Tests.Api;
using M3CoreCRM.Tests.Infrastructure;

using M3CoreCRM.Tests.Leads;

namespace M3CoreCRM.Tests.Inventory;

[Collection(PostgresCollection.Name)]
public sealed class UnitStatusTests(PostgresFixture postgres) : InventoryTestBase(postgres)
{
    private async Task<(TenantSession Tenant, Guid ProjectId)> TenantWithProjectAsync()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        await tenant.UnitTypeAsync();
        return (tenant, await tenant.ProjectAsync());
    }

    private static Task<JsonElement> HoldAsync(TenantSession tenant, Guid unitId, object body, HttpStatusCode expected, string? token = null) =>
        tenant.SendJsonAsync(HttpMethod.Post, $"/api/v1/units/{unitId}/hold", body, expected, token);

    [Fact]
    public async Task HoldFreezesThePriceAndALaterPriceChangeLeavesItFrozen()
    {
        var (tenant, project) = await TenantWithProjectAsync();
        var unit = await tenant.UnitAsync(project, "A-101", price: 300_000m);
        var deal = await tenant.DealIdAsync();

        var held = await HoldAsync(tenant, unit, new { dealId = deal, holdMinutes = 30 }, HttpStatusCode.OK);
        Assert.Equal("on_hold", held.GetProperty("status").GetString());
        Assert.Equal(deal, held.GetProperty("heldBy").GetProperty("id").GetGuid());
        Assert.Equal("deal", held.GetProperty("heldBy").GetProperty("type").GetString());
        var expiresAt = held.GetProperty("holdExpiresAt").GetDateTime();
        Assert.InRange(expiresAt - DateTime.UtcNow, TimeSpan.FromMinutes(29), TimeSpan.FromMinutes(31));

        var repriced = await tenant.SendJsonAsync(HttpMethod.Patch, $"/api/v1/units/{unit}", new { listPrice = new { amount = 350_000m, currency = "USD" } }, HttpStatusCode.OK);
        Assert.Equal(350_000m, repriced.GetProperty("listPrice").GetProperty("amount").GetDecimal());
        Assert.Equal(300_000m, repriced.GetProperty("frozenPrice").GetProperty("amount").GetDecimal());
        Assert.Equal("on_hold", repriced.GetProperty("status").GetString());

        var sold = await tenant.SendJsonAsync(HttpMethod.Post, $"/api/v1/units/{unit}/sell", new { dealId = deal }, HttpStatusCode.OK);
        Assert.Equal("sold", sold.GetProperty("status").GetString());
        Assert.Equal(300_000m, sold.GetProperty("frozenPrice").GetProperty("amount").GetDecimal());
    }

    [Fact]
    public async Task ReserveAndSellBelongToTheHoldingDealAlone()
    {
        var (tenant, project) = await TenantWithProjectAsync();
        var unit = await tenant.UnitAsync(project, "A-102");
        var holder = await tenant.DealIdAsync();
        var other = await tenant.DealIdAsync();
        await HoldAsync(tenant, unit, new { dealId = holder, holdMinutes = 60 }, HttpStatusCode.OK);

        foreach (var action in new[] { "hold", "reserve", "sell" })
        {
            object body = action == "hold" ? new { dealId = other, holdMinutes = 60 } : new { dealId = other };
            var response = await tenant.SendAsync(HttpMethod.Post, $"/api/v1/units/{unit}/{action}", body);
            await ErrorFormatTests.AssertProblemAsync(response, HttpStatusCode.Conflict, "unit_unavailable");
        }

        var reserved = await tenant.SendJsonAsync(HttpMethod.Post, $"/api/v1/units/{unit}/reserve", new { dealId = holder }, HttpStatusCode.OK);
        Assert.Equal("reserved", reserved.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, reserved.GetProperty("holdExpiresAt").ValueKind);
        await ErrorFormatTests.AssertProblemAsync(
            await tenant.SendAsync(HttpMethod.Post, $"/api/v1/units/{unit}/sell", new { dealId = other }), HttpStatusCode.Conflict, "unit_unavailable");
        var sold = await tenant.SendJsonAsync(HttpMethod.Post, $"/api/v1/units/{unit}/sell", new { dealId = holder }, HttpStatusCode.OK);
        Assert.Equal("sold", sold.GetProperty("status").GetString());

        await ErrorFormatTests.AssertProblemAsync(
            await tenant.SendAsync(HttpMethod.Post, $"/api/v1/units/{unit}/release", new { reason = "changed mind" }), HttpStatusCode.Conflict, "invalid_transition");
        await ErrorFormatTests.AssertProblemAsync(
            await tenant.SendAsync(HttpMethod.Post, $"/api/v1/units/{unit}/hold", new { dealId = holder, holdMinutes = 5 }), HttpStatusCode.Conflict, "unit_unavailable");
    }

    [Fact]
    public async Task AUnitHeldForALeadCannotBeReservedByADeal()
    {
        var (tenant, project) = await TenantWithProjectAsync();
        var unit = await tenant.UnitAsync(project, "A-103");
        var lead = await tenant.LeadIdAsync();
        await HoldAsync(tenant, unit, new { leadId = lead, holdMinutes = 15 }, HttpStatusCode.OK);

        await ErrorFormatTests.AssertProblemAsync(
            await tenant.SendAsync(HttpMethod.Post, $"/api/v1/units/{unit}/reserve", new { dealId = lead }), HttpStatusCode.Conflict, "unit_unavailable");
        var again = await HoldAsync(tenant, unit, new { leadId = lead, holdMinutes = 90 }, HttpStatusCode.OK);
        Assert.InRange(again.GetProperty("holdExpiresAt").GetDateTime() - DateTime.UtcNow, TimeSpan.FromMinutes(89), TimeSpan.FromMinutes(91));
    }

    [Fact]
    public async Task HoldRequestsAreValidated()
    {
        var (tenant, project) = await TenantWithProjectAsync();
        var unit = await tenant.UnitAsync(project, "A-104");

        var both = await tenant.SendAsync(HttpMethod.Post, $"/api/v1/units/{unit}/hold", new { dealId = Guid.NewGuid(), leadId = Guid.NewGuid(), holdMinutes = 10 });
        await ErrorFormatTests.AssertProblemAsync(both, HttpStatusCode.BadRequest, "validation_failed");
        foreach (var minutes in new int?[] { 0, 10_081, null })
        {
            var wrong = await tenant.SendAsync(HttpMethod.Post, $"/api/v1/units/{unit}/hold", new { dealId = Guid.NewGuid(), holdMinutes = minutes });
            var problem = await ErrorFormatTests.AssertProblemAsync(wrong, HttpStatusCode.BadRequest, "validation_failed");
            Assert.True(problem.GetProperty("errors").TryGetProperty("holdMinutes", out _));
        }
        var missing = await tenant.SendAsync(HttpMethod.Post, $"/api/v1/units/{Guid.NewGuid()}/hold", new { dealId = Guid.NewGuid(), holdMinutes = 10 });
        await ErrorFormatTests.AssertProblemAsync(missing, HttpStatusCode.NotFound, "not_found");

        var unitNow = await tenant.GetJsonAsync($"/api/v1/units/{unit}");
        Assert.Equal("available", unitNow.GetProperty("status").GetString());
    }

    [Fact]
    public async Task AUnitIsHeldReservedOrSoldOnlyForADealOrLeadThatExists()
    {
        var (tenant, project) = await TenantWithProjectAsync();
        var unit = await tenant.UnitAsync(project, "X-1");
        var other = await TenantSession.SignUpAsync(Http);
        var othersDeal = await other.DealIdAsync();

        foreach (var (action, body, field) in new (string, object, string)[]
                 {
                     ("hold", new { dealId = Guid.CreateVersion7(), holdMinutes = 10 }, "dealId"),
                     ("hold", new { leadId = Guid.CreateVersion7(), holdMinutes = 10 }, "leadId"),
                     ("hold", new { dealId = othersDeal, holdMinutes = 10 }, "dealId"),
                     ("reserve", new { dealId = Guid.CreateVersion7() }, "dealId"),
                     ("sell", new { dealId = othersDeal }, "dealId"),
                 })
        {
            var problem = await ErrorFormatTests.AssertProblemAsync(await tenant.SendAsync(HttpMethod.Post, $"/api/v1/units/{unit}/{action}", body), HttpStatusCode.BadRequest, "validation_failed");
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"{action}: {problem}");
        }

        // A deleted deal holds nothing either; the unit is still free for a real one.
        var deleted = await tenant.DealIdAsync();
        Assert.Equal(HttpStatusCode.NoContent, (await tenant.SendAsync(HttpMethod.Delete, $"/api/v1/deals/{deleted}")).StatusCode);
        await ErrorFormatTests.AssertProblemAsync(await tenant.SendAsync(HttpMethod.Post, $"/api/v1/units/{unit}/hold", new { dealId = deleted, holdMinutes = 10 }), HttpStatusCode.BadRequest, "validation_failed");
        Assert.Equal("available", (await tenant.GetJsonAsync($"/api/v1/units/{unit}")).GetProperty("status").GetString());
        await HoldAsync(tenant, unit, new { dealId = await tenant.DealIdAsync(), holdMinutes = 10 }, HttpStatusCode.OK);
    }

    [Fact]
    public async Task AHoldReserveOrSaleForARecordOutsideTheCallersScopeIsAnsweredAsForAnUnknownId()
    {
        var (tenant, project) = await TenantWithProjectAsync();
        var closer = await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/roles", new
        {
            name = "closer",
            grants = new object[]
            {
                new { permission = "leads.read", scope = "own" }, new { permission = "leads.write", scope = "own" },
                new { permission = "deals.read", scope = "own" }, new { permission = "deals.write", scope = "own" },
                new { permission = "inventory.read", scope = "all" }, new { permission = "units.hold", scope = "own" },
                new { permission = "units.reserve", scope = "own" }, new { permission = "units.sell", scope = "own" },
            },
        }, HttpStatusCode.Created);
        Assert.Equal("closer", closer.GetProperty("name").GetString());
        var (_, token, _) = await tenant.AddUserAsync("closer", $"closer@{tenant.Slug}.test");
        var ownersLead = await tenant.LeadIdAsync();
        var ownersDeal = await tenant.DealIdAsync();
        var unit = await tenant.UnitAsync(project, "S-1");
        var heldUnit = await tenant.UnitAsync(project, "S-2");
        await HoldAsync(tenant, heldUnit, new { dealId = ownersDeal, holdMinutes = 30 }, HttpStatusCode.OK);

        foreach (var target in new[] { unit, heldUnit })
        {
            foreach (var (action, hidden, unknown) in new (string, object, object)[]
                     {
                         ("hold", new { leadId = ownersLead, holdMinutes = 10 }, new { leadId = Guid.CreateVersion7(), holdMinutes = 10 }),
                         ("hold", new { dealId = ownersDeal, holdMinutes = 10 }, new { dealId = Guid.CreateVersion7(), holdMinutes = 10 }),
                         ("reserve", new { dealId = ownersDeal }, new { dealId = Guid.CreateVersion7() }),
                         ("sell", new { dealId = ownersDeal }, new { dealId = Guid.CreateVersion7() }),
                     })
            {
                var outOfScope = await tenant.SendAsync(HttpMethod.Post, $"/api/v1/units/{target}/{action}", hidden, token);
                var random = await tenant.SendAsync(HttpMethod.Post, $"/api/v1/units/{target}/{action}", unknown, token);
                Assert.Equal(random.StatusCode, outOfScope.StatusCode);
                Assert.True(random.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Conflict, $"{action}: {(int)random.StatusCode}");
                Assert.Equal(WithoutTraceId(await random.Content.ReadAsStringAsync()), WithoutTraceId(await outOfScope.Content.ReadAsStringAsync()));
            }
        }

        var unitNow = await tenant.GetJsonAsync($"/api/v1/units/{unit}");
        Assert.Equal("available", unitNow.GetProperty("status").GetString());
        Assert.Equal(ownersDeal, (await tenant.GetJsonAsync($"/api/v1/units/{heldUnit}")).GetProperty("heldBy").GetProperty("id").GetGuid());

        // Records of the caller's own are held, reserved and sold as before.
        var held = await HoldAsync(tenant, unit, new { leadId = await tenant.LeadIdAsync(token: token), holdMinutes = 10 }, HttpStatusCode.OK, token);
        Assert.Equal("on_hold", held.GetProperty("status").GetString());
        var ownDeal = await tenant.DealIdAsync(token);
        var other = await tenant.UnitAsync(project, "S-3");
        Assert.Equal("reserved", (await tenant.SendJsonAsync(HttpMethod.Post, $"/api/v1/units/{other}/reserve", new { dealId = ownDeal }, HttpStatusCode.OK, token)).GetProperty("status").GetString());
        Assert.Equal("sold", (await tenant.SendJsonAsync(HttpMethod.Post, $"/api/v1/units/{other}/sell", new { dealId = ownDeal }, HttpStatusCode.OK, token)).GetProperty("status").GetString());
    }

    private static string WithoutTraceId(string problem)
    {
        var json = System.Text.Json.Nodes.JsonNode.Parse(problem)!.AsObject();
        json.Remove("traceId");
        return json.ToJsonString();
    }

    [Fact]
    public async Task FourHundredConcurrentHoldsOnFortyUnitsHaveExactlyFortyWinners()
    {
        var (tenant, project) = await TenantWithProjectAsync();
        var units = new List<Guid>();
        for (var i = 0; i < 40; i++)
        {
            units.Add(await tenant.UnitAsync(project, $"C-{i:000}"));
        }

        var deals = await tenant.DealIdsAsync(400);
        var attempts = Enumerable.Range(0, 400).Select(i => (Unit: units[i % 40], Deal: deals[i])).ToArray();
        var responses = await Task.WhenAll(attempts.Select(async a =>
        {
            var response = await tenant.SendAsync(HttpMethod.Post, $"/api/v1/units/{a.Unit}/hold", new { dealId = a.Deal, holdMinutes = 30 });
            var body = await response.Content.ReadAsStringAsync();
            return (a.Unit, a.Deal, response.StatusCode, Body: body);
        }));

        Assert.Equal(40, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(360, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict && r.Body.Contains("\"code\":\"unit_unavailable\"", StringComparison.Ordinal)));
        var winners = responses.Where(r => r.StatusCode == HttpStatusCode.OK).ToArray();
        Assert.Equal(40, winners.Select(w => w.Unit).Distinct().Count());
        foreach (var winner in winners)
        {
            var stored = await tenant.GetJsonAsync($"/api/v1/units/{winner.Unit}");
            Assert.Equal(winner.Deal, stored.GetProperty("heldBy").GetProperty("id").GetGuid());
        }

        var events = await tenant.GetJsonAsync($"/api/v1/audit-logs?action=unit.status_changed&limit=200");
        Assert.Equal(40, events.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task AnExpiredHoldReleasesTheUnitWithNoRequest()
    {
        var (tenant, project) = await TenantWithProjectAsync();
        var unit = await tenant.UnitAsync(project, "E-1");
        await HoldAsync(tenant, unit, new { dealId = await tenant.DealIdAsync(), holdMinutes = 45 }, HttpStatusCode.OK);

        Assert.Equal(1, await BringRemindersDueAsync(unit));

        var expired = await Eventually.ReturnsAsync(() => tenant.GetJsonAsync($"/api/v1/units/{unit}"), u => u.GetProperty("status").GetString() == "available");
        Assert.Equal(JsonValueKind.Null, expired.GetProperty("heldBy").ValueKind);
        Assert.Equal(JsonValueKind.Null, expired.GetProperty("frozenPrice").ValueKind);
        var audit = await tenant.GetJsonAsync($"/api/v1/audit-logs?entityId={unit}&action=unit.status_changed");
        Assert.Equal(2, audit.GetProperty("items").GetArrayLength());
        var other = await tenant.DealIdAsync();
        var heldAgain = await HoldAsync(tenant, unit, new { dealId = other, holdMinutes = 5 }, HttpStatusCode.OK);
        Assert.Equal(other, heldAgain.GetProperty("heldBy").GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task AReminderOfAnEarlierHoldDoesNotEndALaterOne()
    {
        var (tenant, project) = await TenantWithProjectAsync();
        var unit = await tenant.UnitAsync(project, "E-2");
        await HoldAsync(tenant, unit, new { dealId = await tenant.DealIdAsync(), holdMinutes = 45 }, HttpStatusCode.OK);
        await tenant.SendJsonAsync(HttpMethod.Post, $"/api/v1/units/{unit}/release", new { reason = "customer declined" }, HttpStatusCode.OK);
        Assert.Empty(await ReminderDueTimesAsync(unit));
        var second = await tenant.DealIdAsync();
        await HoldAsync(tenant, unit, new { dealId = second, holdMinutes = 45 }, HttpStatusCode.OK);

        // A reminder of another hold comes due (left over, or delivered twice): it is taken and changes nothing.
        await AddDueReminderAsync(tenant.TenantId, unit, $"hold:{Guid.NewGuid()}");
        await Eventually.ReturnsAsync(() => ReminderDueTimesAsync(unit), due => due.Length == 1);
        var stillHeld = await tenant.GetJsonAsync($"/api/v1/units/{unit}");
        Assert.Equal("on_hold", stillHeld.GetProperty("status").GetString());
        Assert.Equal(second, stillHeld.GetProperty("heldBy").GetProperty("id").GetGuid());

        Assert.Equal(1, await BringRemindersDueAsync(unit));
        var expired = await Eventually.ReturnsAsync(() => tenant.GetJsonAsync($"/api/v1/units/{unit}"), u => u.GetProperty("status").GetString() == "available");
        Assert.Equal(JsonValueKind.Null, expired.GetProperty("heldBy").ValueKind);
    }

    [Fact]
    public async Task AnExtendedHoldOutlivesItsFirstEndAndItsReminderMovesToTheNewOne()
    {
        var (tenant, project) = await TenantWithProjectAsync();
        var unit = await tenant.UnitAsync(project, "E-3");
        var deal = await tenant.DealIdAsync();
        await HoldAsync(tenant, unit, new { dealId = deal, holdMinutes = 10 }, HttpStatusCode.OK);
        var extended = await HoldAsync(tenant, unit, new { dealId = deal, holdMinutes = 120 }, HttpStatusCode.OK);
        var newEnd = extended.GetProperty("holdExpiresAt").GetDateTime().ToUniversalTime();

        // The hold's first end comes: its reminder finds the hold running and moves itself to the new end.
        Assert.Equal(1, await BringRemindersDueAsync(unit));
        var due = await Eventually.ReturnsAsync(() => ReminderDueTimesAsync(unit), d => d.Length == 1 && d[0] > DateTime.UtcNow.AddMinutes(60));
        Assert.InRange(due[0] - newEnd, TimeSpan.FromSeconds(-5), TimeSpan.FromSeconds(5));
        var stillHeld = await tenant.GetJsonAsync($"/api/v1/units/{unit}");
        Assert.Equal("on_hold", stillHeld.GetProperty("status").GetString());
        Assert.Equal(newEnd, stillHeld.GetProperty("holdExpiresAt").GetDateTime().ToUniversalTime());
        Assert.Single((await tenant.GetJsonAsync($"/api/v1/audit-logs?entityId={unit}&action=unit.hold_extended")).GetProperty("items").EnumerateArray());
        Assert.Single((await tenant.GetJsonAsync($"/api/v1/audit-logs?entityId={unit}&action=unit.status_changed")).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task AShortenedHoldExpiresAtItsNewEnd()
    {
        var (tenant, project) = await TenantWithProjectAsync();
        var unit = await tenant.UnitAsync(project, "E-4");
        var deal = await tenant.DealIdAsync();
        await HoldAsync(tenant, unit, new { dealId = deal, holdMinutes = 120 }, HttpStatusCode.OK);

        var shortened = await HoldAsync(tenant, unit, new { dealId = deal, holdMinutes = 10 }, HttpStatusCode.OK);

        var due = Assert.Single(await ReminderDueTimesAsync(unit));
        Assert.InRange(due - shortened.GetProperty("holdExpiresAt").GetDateTime().ToUniversalTime(), TimeSpan.FromSeconds(-5), TimeSpan.FromSeconds(5));
        Assert.Equal(1, await BringRemindersDueAsync(unit));
        await Eventually.ReturnsAsync(() => tenant.GetJsonAsync($"/api/v1/units/{unit}"), u => u.GetProperty("status").GetString() == "available");
    }

    [Fact]
    public async Task AHoldSurvivesASiloRestartAndStillExpires()
    {
        var (tenant, project) = await TenantWithProjectAsync();
        var unit = await tenant.UnitAsync(project, "R-1");
        var deal = await tenant.DealIdAsync();
        var held = await HoldAsync(tenant, unit, new { dealId = deal, holdMinutes = 20 }, HttpStatusCode.OK);

        await RestartAsync();
        var session = tenant with { Http = Http };

        var afterRestart = await session.GetJsonAsync($"/api/v1/units/{unit}");
        Assert.Equal("on_hold", afterRestart.GetProperty("status").GetString());
        Assert.Equal(deal, afterRestart.GetProperty("heldBy").GetProperty("id").GetGuid());
        Assert.Equal(held.GetProperty("holdExpiresAt").GetDateTime(), afterRestart.GetProperty("holdExpiresAt").GetDateTime());
        await ErrorFormatTests.AssertProblemAsync(
            await session.SendAsync(HttpMethod.Post, $"/api/v1/units/{unit}/hold", new { dealId = Guid.NewGuid(), holdMinutes = 5 }), HttpStatusCode.Conflict, "unit_unavailable");

        Assert.Equal(1, await BringRemindersDueAsync(unit));
        await Eventually.ReturnsAsync(() => session.GetJsonAsync($"/api/v1/units/{unit}"), u => u.GetProperty("status").GetString() == "available");
    }

    [Fact]
    public async Task AnAgentReleasesTheirOwnHoldButNotAnotherOrAReservation()
    {
        var (tenant, project) = await TenantWithProjectAsync();
        var (_, agentToken, _) = await tenant.AddUserAsync("agent", $"agent@{tenant.Slug}.test");
        var (_, otherToken, _) = await tenant.AddUserAsync("agent", $"bob@{tenant.Slug}.test");
        var mine = await tenant.UnitAsync(project, "G-1");
        var reserved = await tenant.UnitAsync(project, "G-2");

        await HoldAsync(tenant, mine, new { leadId = await tenant.LeadIdAsync(token: agentToken), holdMinutes = 30 }, HttpStatusCode.OK, agentToken);
        var byOther = await tenant.SendAsync(HttpMethod.Post, $"/api/v1/units/{mine}/release", new { reason = "not mine" }, otherToken);
        await ErrorFormatTests.AssertProblemAsync(byOther, HttpStatusCode.Forbidden, "forbidden");
        var released = await tenant.SendJsonAsync(HttpMethod.Post, $"/api/v1/units/{mine}/release", new { reason = "customer declined" }, HttpStatusCode.OK, agentToken);
        Assert.Equal("available", released.GetProperty("status").GetString());

        var deal = await tenant.DealIdAsync();
        await tenant.SendJsonAsync(HttpMethod.Post, $"/api/v1/units/{reserved}/reserve", new { dealId = deal }, HttpStatusCode.OK);
        await ErrorFormatTests.AssertProblemAsync(
            await tenant.SendAsync(HttpMethod.Post, $"/api/v1/units/{reserved}/reserve", new { dealId = deal }, agentToken), HttpStatusCode.Forbidden, "forbidden");
        await ErrorFormatTests.AssertProblemAsync(
            await tenant.SendAsync(HttpMethod.Post, $"/api/v1/units/{reserved}/release", new { reason = "x" }, agentToken), HttpStatusCode.Forbidden, "forbidden");
        var byOwner = await tenant.SendJsonAsync(HttpMethod.Post, $"/api/v1/units/{reserved}/release", new { reason = "financing failed" }, HttpStatusCode.OK);
        Assert.Equal("available", byOwner.GetProperty("status").GetString());

        var audit = await tenant.GetJsonAsync($"/api/v1/audit-logs?entityId={reserved}&action=unit.status_changed");
        var release = audit.GetProperty("items").EnumerateArray().First();
        Assert.Equal("reserved", release.GetProperty("changes").GetProperty("status").GetProperty("before").GetString());
        Assert.Equal("available", release.GetProperty("changes").GetProperty("status").GetProperty("after").GetString());
    }

    [Fact]
    public async Task TheAvailabilityBoardCountsUnitsByStatusTypeAndFloor()
    {
        var (tenant, project) = await TenantWithProjectAsync();
        await tenant.UnitTypeAsync("3BR-B");
        var a1 = await tenant.UnitAsync(project, "A1", floor: 1);
        var a2 = await tenant.UnitAsync(project, "A2", floor: 1);
        var b1 = await tenant.UnitAsync(project, "B1", floor: 2, typeCode: "3BR-B");
        await tenant.UnitAsync(project, "B2", floor: 2, typeCode: "3br-b");
        var otherProject = await tenant.ProjectAsync("OTHER");
        await tenant.UnitAsync(otherProject, "X1");
        await HoldAsync(tenant, a1, new { dealId = await tenant.DealIdAsync(), holdMinutes = 10 }, HttpStatusCode.OK);
        await tenant.SendJsonAsync(HttpMethod.Post, $"/api/v1/units/{a2}/sell", new { dealId = await tenant.DealIdAsync() }, HttpStatusCode.OK);
        await tenant.SendJsonAsync(HttpMethod.Post, $"/api/v1/units/{b1}/reserve", new { dealId = await tenant.DealIdAsync() }, HttpStatusCode.OK);

        var board = await tenant.GetJsonAsync($"/api/v1/projects/{project}/availability");

        var counts = board.GetProperty("counts");
        Assert.Equal((4, 1, 1, 1, 1), (counts.GetProperty("total").GetInt32(), counts.GetProperty("available").GetInt32(), counts.GetProperty("onHold").GetInt32(),
            counts.GetProperty("reserved").GetInt32(), counts.GetProperty("sold").GetInt32()));
        var byType = board.GetProperty("byTypeCode").EnumerateArray().ToDictionary(t => t.GetProperty("typeCode").GetString()!, t => t.GetProperty("counts"));
        Assert.Equal(["2BR-A", "3BR-B"], byType.Keys.Order());
        Assert.Equal(1, byType["3BR-B"].GetProperty("available").GetInt32());
        Assert.Equal(1, byType["3BR-B"].GetProperty("reserved").GetInt32());
        var floors = board.GetProperty("floors").EnumerateArray().ToArray();
        Assert.Equal([1, 2], floors.Select(f => f.GetProperty("floor").GetInt32()));
        Assert.Equal(["A1", "A2"], floors[0].GetProperty("units").EnumerateArray().Select(u => u.GetProperty("code").GetString()));
        Assert.Equal("on_hold", floors[0].GetProperty("units")[0].GetProperty("status").GetString());

        await ErrorFormatTests.AssertProblemAsync(await tenant.SendAsync(HttpMethod.Get, $"/api/v1/projects/{Guid.NewGuid()}/availability"), HttpStatusCode.NotFound, "not_found");
    }
}
