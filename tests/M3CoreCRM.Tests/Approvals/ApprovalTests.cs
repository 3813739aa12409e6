using System.Net;
using System.Text.Json;
using M3CoreCRM.Tests.Api;
using M3CoreCRM.Tests.Infrastructure;
using M3CoreCRM.Tests.Inventory;
using M3CoreCRM.Tests.Leads;

namespace M3CoreCRM.Tests.Approvals;

[Collection(PostgresCollection.Name)]
public sealed class ApprovalTests(PostgresFixture postgres) : InventoryTestBase(postgres)
{
    [Fact]
    public async Task AReservationUnderAPolicyWaitsForApprovalAndIsAppliedByTheLastApproval()
    {
        var (tenant, managers) = await TenantWithManagersAsync(1);
        var manager = managers[0];
        await PolicyAsync(tenant, "unit.reserve");
        var unitId = await UnitAsync(tenant);
        var dealId = await tenant.DealIdAsync();
        await tenant.SendJsonAsync(HttpMethod.Post, $"/api/v1/units/{unitId}/hold", new { dealId, holdMinutes = 60 }, HttpStatusCode.OK);

        var response = await tenant.SendAsync(HttpMethod.Post, $"/api/v1/units/{unitId}/reserve", new { dealId });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var ticket = JsonSerializer.Deserialize<JsonElement>(await response.Content.ReadAsStringAsync());
        Assert.Equal("pending", ticket.GetProperty("status").GetString());
        var approvalId = ticket.GetProperty("approvalId").GetGuid();
        Assert.Equal($"/api/v1/approvals/{approvalId}", response.Headers.Location?.OriginalString);

        // Nothing changed yet.
        var unit = await tenant.GetJsonAsync($"/api/v1/units/{unitId}");
        Assert.Equal("on_hold", unit.GetProperty("status").GetString());

        var approval = await tenant.GetJsonAsync($"/api/v1/approvals/{approvalId}");
        Assert.Equal("unit.reserve", approval.GetProperty("action").GetString());
        Assert.Equal("unit", approval.GetProperty("subject").GetProperty("type").GetString());
        Assert.Equal(unitId, approval.GetProperty("subject").GetProperty("id").GetGuid());
        Assert.Equal(dealId, approval.GetProperty("input").GetProperty("dealId").GetGuid());
        Assert.Equal(250_000m, approval.GetProperty("input").GetProperty("price").GetDecimal());
        Assert.Equal(tenant.UserId, approval.GetProperty("requestedBy").GetGuid());
        Assert.Equal([manager.UserId], approval.GetProperty("approverIds").EnumerateArray().Select(a => a.GetGuid()));
        Assert.True(approval.GetProperty("expiresAt").GetDateTime() > DateTime.UtcNow.AddDays(6));

        // It waits for the manager, not for the requester, and the requester never decides it.
        Assert.Equal([approvalId], await IdsAsync(tenant, "/api/v1/approvals?mine=awaiting", manager.Token));
        Assert.Empty(await IdsAsync(tenant, "/api/v1/approvals?mine=awaiting"));
        Assert.Equal([approvalId], await IdsAsync(tenant, "/api/v1/approvals?mine=requested&status=pending"));
        await ErrorFormatTests.AssertProblemAsync(await tenant.SendAsync(HttpMethod.Post, $"/api/v1/approvals/{approvalId}/approve", new { }), HttpStatusCode.Forbidden, "self_approval");

        // The manager hears of it.
        await Eventually.ReturnsAsync(async () => (await tenant.GetJsonAsync("/api/v1/notifications", manager.Token)).GetProperty("items"),
            items => items.EnumerateArray().Any(n => n.GetProperty("eventType").GetString() == "approval.requested" && n.GetProperty("entityId").GetGuid() == approvalId));

        var approved = await tenant.SendJsonAsync(HttpMethod.Post, $"/api/v1/approvals/{approvalId}/approve", new { comment = "Deposit seen" }, HttpStatusCode.OK, manager.Token);
        Assert.Equal("approved", approved.GetProperty("status").GetString());
        var decision = Assert.Single(approved.GetProperty("decisions").EnumerateArray());
        Assert.Equal(manager.UserId, decision.GetProperty("userId").GetGuid());
        Assert.Equal("Deposit seen", decision.GetProperty("comment").GetString());
        Assert.Equal(1, decision.GetProperty("level").GetInt32());

        unit = await tenant.GetJsonAsync($"/api/v1/units/{unitId}");
        Assert.Equal("reserved", unit.GetProperty("status").GetString());
        Assert.Equal(dealId, unit.GetProperty("heldBy").GetProperty("id").GetGuid());
        Assert.Equal(tenant.UserId, unit.GetProperty("heldByUserId").GetGuid());
        Assert.Empty(await IdsAsync(tenant, "/api/v1/approvals?mine=awaiting", manager.Token));
        Assert.Equal([approvalId], await IdsAsync(tenant, "/api/v1/approvals?status=approved"));

        // Every step is in the audit log, and the decision is final.
        var audit = (await tenant.GetJsonAsync($"/api/v1/audit-logs?entityType=approval&entityId={approvalId}")).GetProperty("items");
        Assert.Contains(audit.EnumerateArray(), e => e.GetProperty("action").GetString() == "approval.requested");
        Assert.Contains(audit.EnumerateArray(), e => e.GetProperty("action").GetString() == "approval.decided" && e.GetProperty("actorId").GetGuid() == manager.UserId);
        await ErrorFormatTests.AssertProblemAsync(await tenant.SendAsync(HttpMethod.Post, $"/api/v1/approvals/{approvalId}/reject", new { }, manager.Token), HttpStatusCode.Conflict, "approval_closed");
    }

    [Fact]
    public async Task SalesAndListPriceChangesWaitForApproval()
    {
        var (tenant, managers) = await TenantWithManagersAsync(1);
        await PolicyAsync(tenant, "unit.sell");
        await PolicyAsync(tenant, "unit.price_change", condition: new { field = "changePercent", op = "lt", value = -10 });
        var unitId = await UnitAsync(tenant);

        // A 5% cut is below the condition and happens at once; a 20% cut waits, and may not carry other changes.
        var cut = await tenant.SendJsonAsync(HttpMethod.Patch, $"/api/v1/units/{unitId}", new { listPrice = new { amount = 237_500m, currency = "USD" } }, HttpStatusCode.OK);
        Assert.Equal(237_500m, cut.GetProperty("listPrice").GetProperty("amount").GetDecimal());
        await ErrorFormatTests.AssertProblemAsync(
            await tenant.SendAsync(HttpMethod.Patch, $"/api/v1/units/{unitId}", new { code = "U-RENAMED", listPrice = new { amount = 190_000m, currency = "USD" } }), HttpStatusCode.Conflict, "approval_required");
        var priceApproval = await AcceptedAsync(tenant, HttpMethod.Patch, $"/api/v1/units/{unitId}", new { listPrice = new { amount = 190_000m, currency = "USD" } });
        var pending = await tenant.GetJsonAsync($"/api/v1/approvals/{priceApproval}");
        Assert.Equal(-20m, pending.GetProperty("input").GetProperty("changePercent").GetDecimal());
        var unit = await tenant.GetJsonAsync($"/api/v1/units/{unitId}");
        Assert.Equal(237_500m, unit.GetProperty("listPrice").GetProperty("amount").GetDecimal());
        Assert.Equal("U1", unit.GetProperty("code").GetString());
        await tenant.SendJsonAsync(HttpMethod.Post, $"/api/v1/approvals/{priceApproval}/approve", new { }, HttpStatusCode.OK, managers[0].Token);
        Assert.Equal(190_000m, (await tenant.GetJsonAsync($"/api/v1/units/{unitId}")).GetProperty("listPrice").GetProperty("amount").GetDecimal());

        var dealId = await tenant.DealIdAsync();
        var saleApproval = await AcceptedAsync(tenant, HttpMethod.Post, $"/api/v1/units/{unitId}/sell", new { dealId });
        Assert.Equal("available", (await tenant.GetJsonAsync($"/api/v1/units/{unitId}")).GetProperty("status").GetString());
        await tenant.SendJsonAsync(HttpMethod.Post, $"/api/v1/approvals/{saleApproval}/approve", new { }, HttpStatusCode.OK, managers[0].Token);
        unit = await tenant.GetJsonAsync($"/api/v1/units/{unitId}");
        Assert.Equal("sold", unit.GetProperty("status").GetString());
        Assert.Equal(dealId, unit.GetProperty("heldBy").GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task LargeDiscountsAndWinsWaitForApproval()
    {
        var (tenant, managers) = await TenantWithManagersAsync(1);
        await PolicyAsync(tenant, "deal.discount", condition: new { field = "discountPercent", op = "gt", value = 5 });
        await PolicyAsync(tenant, "deal.win");
        var dealId = await DealAsync(tenant);

        Assert.Equal(3m, (await tenant.SendJsonAsync(HttpMethod.Post, $"/api/v1/deals/{dealId}/discount", new { discountPercent = 3 }, HttpStatusCode.OK)).GetProperty("discountPercent").GetDecimal());
        var discount = await AcceptedAsync(tenant, HttpMethod.Post, $"/api/v1/deals/{dealId}/discount", new { discountPercent = 12.5m });
        Assert.Equal(3m, (await tenant.GetJsonAsync($"/api/v1/deals/{dealId}")).GetProperty("discountPercent").GetDecimal());
        Assert.Equal(3m, (await tenant.GetJsonAsync($"/api/v1/approvals/{discount}")).GetProperty("input").GetProperty("previousDiscountPercent").GetDecimal());
        await tenant.SendJsonAsync(HttpMethod.Post, $"/api/v1/approvals/{discount}/approve", new { }, HttpStatusCode.OK, managers[0].Token);
        Assert.Equal(12.5m, (await tenant.GetJsonAsync($"/api/v1/deals/{dealId}")).GetProperty("discountPercent").GetDecimal());

        // A deal created with a discount the policy gates is refused whole.
        await ErrorFormatTests.AssertProblemAsync(await tenant.SendAsync(HttpMethod.Post, "/api/v1/deals", new
        {
            title = "Discounted", pipelineId = await PipelineIdAsync(tenant), value = new { amount = 1_000_000m, currency = "AED" }, discountPercent = 20,
        }), HttpStatusCode.Conflict, "approval_required");

        var win = await AcceptedAsync(tenant, HttpMethod.Post, $"/api/v1/deals/{dealId}/win", new { reason = "Signed" });
        Assert.Equal("open", (await tenant.GetJsonAsync($"/api/v1/deals/{dealId}")).GetProperty("status").GetString());
        await tenant.SendJsonAsync(HttpMethod.Post, $"/api/v1/approvals/{win}/approve", new { }, HttpStatusCode.OK, managers[0].Token);
        var deal = await tenant.GetJsonAsync($"/api/v1/deals/{dealId}");
        Assert.Equal("won", deal.GetProperty("status").GetString());
        Assert.Equal("Signed", deal.GetProperty("closedReason").GetString());

        // The deal's timeline tells both requests and how they ended.
        var approvals = (await tenant.GetJsonAsync($"/api/v1/entities/deal/{dealId}/timeline")).GetProperty("items").EnumerateArray()
            .Where(e => e.GetProperty("kind").GetString() == "approval").ToList();
        Assert.Equal(["deal.win", "deal.discount"], approvals.Select(e => e.GetProperty("type").GetString()));
        Assert.All(approvals, e => Assert.Equal("approved", e.GetProperty("data").GetProperty("status").GetString()));
        Assert.All(approvals, e => Assert.Equal(tenant.UserId, e.GetProperty("actorId").GetGuid()));
    }

    [Fact]
    public async Task ReassigningAnOwnedLeadWaitsForApproval()
    {
        var (tenant, managers) = await TenantWithManagersAsync(1);
        var (agentId, _, _) = await tenant.AddUserAsync("agent", "agent@example.test");
        var (otherAgentId, _, _) = await tenant.AddUserAsync("agent", "other.agent@example.test");
        await PolicyAsync(tenant, "lead.reassign");

        // A lead without an owner is given freely; then it belongs to the agent, and moving it needs approval.
        var leadId = (await tenant.LeadAsync("Owned lead", ownerId: agentId)).GetProperty("id").GetGuid();
        var approvalId = await AcceptedAsync(tenant, HttpMethod.Post, $"/api/v1/leads/{leadId}/assign", new { ownerId = otherAgentId });
        Assert.Equal(agentId, (await tenant.GetJsonAsync($"/api/v1/leads/{leadId}")).GetProperty("ownerId").GetGuid());
        var input = (await tenant.GetJsonAsync($"/api/v1/approvals/{approvalId}")).GetProperty("input");
        Assert.Equal(agentId, input.GetProperty("fromOwnerId").GetGuid());
        Assert.Equal(otherAgentId, input.GetProperty("toOwnerId").GetGuid());

        // Through PATCH alike; with other changes, refused whole.
        await ErrorFormatTests.AssertProblemAsync(
            await tenant.SendAsync(HttpMethod.Patch, $"/api/v1/leads/{leadId}", new { ownerId = otherAgentId, notes = "Moved" }), HttpStatusCode.Conflict, "approval_required");
        var patchApproval = await AcceptedAsync(tenant, HttpMethod.Patch, $"/api/v1/leads/{leadId}", new { ownerId = otherAgentId });
        Assert.Null((await tenant.GetJsonAsync($"/api/v1/leads/{leadId}")).GetProperty("notes").GetString());

        await tenant.SendJsonAsync(HttpMethod.Post, $"/api/v1/approvals/{approvalId}/approve", new { }, HttpStatusCode.OK, managers[0].Token);
        Assert.Equal(otherAgentId, (await tenant.GetJsonAsync($"/api/v1/leads/{leadId}")).GetProperty("ownerId").GetGuid());

        // The second request was made when the agent owned the lead: that no longer holds.
        var late = await tenant.SendJsonAsync(HttpMethod.Post, $"/api/v1/approvals/{patchApproval}/approve", new { }, HttpStatusCode.OK, managers[0].Token);
        Assert.Equal("rejected", late.GetProperty("status").GetString());
        Assert.Contains("owner changed", late.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnApprovalCutOffAfterItsLastDecisionIsFinishedByItsReminderAndAppliedOnce()
    {
        var (tenant, managers) = await TenantWithManagersAsync(1);
        await PolicyAsync(tenant, "deal.discount");
        var dealId = await DealAsync(tenant);
        var approvalId = await AcceptedAsync(tenant, HttpMethod.Post, $"/api/v1/deals/{dealId}/discount", new { discountPercent = 12 });

        // As the process would leave it if it died after storing the last approval and before the deal applied it:
        // the decision stored, the request marked as being applied, the reminder that finishes it registered.
        var decision = JsonSerializer.Serialize(new[] { new { level = 1, userId = managers[0].UserId, decision = "approved", comment = (string?)null, at = DateTime.UtcNow } });
        await CutOffAsync(tenant.TenantId, approvalId, decision);
        var session = tenant with { Http = Http };
        Assert.Equal(0m, (await session.GetJsonAsync($"/api/v1/deals/{dealId}")).GetProperty("discountPercent").GetDecimal());
        await BringApprovalReminderDueAsync(approvalId);

        var finished = await Eventually.ReturnsAsync(() => session.GetJsonAsync($"/api/v1/approvals/{approvalId}"), a => a.GetProperty("status").GetString() == "approved");
        Assert.Equal(managers[0].UserId, Assert.Single(finished.GetProperty("decisions").EnumerateArray()).GetProperty("userId").GetGuid());
        var deal = await session.GetJsonAsync($"/api/v1/deals/{dealId}");
        Assert.Equal(12m, deal.GetProperty("discountPercent").GetDecimal());

        // Finished a second time (the same cut-off again): the deal knows the approval and changes nothing.
        await CutOffAsync(tenant.TenantId, approvalId, decision);
        session = tenant with { Http = Http };
        await BringApprovalReminderDueAsync(approvalId);
        await Eventually.ReturnsAsync(
            () => QueryAsSystemAsync("SELECT (state ->> 'applying')::boolean FROM approvals WHERE id = $1", r => r.GetBoolean(0), approvalId), applying => !applying[0]);
        Assert.Equal(deal.GetProperty("version").GetInt64(), (await session.GetJsonAsync($"/api/v1/deals/{dealId}")).GetProperty("version").GetInt64());
        Assert.Single((await session.GetJsonAsync($"/api/v1/audit-logs?entityId={dealId}&action=deal.updated")).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task EachLevelNeedsADifferentApproverInTurn()
    {
        var (tenant, managers) = await TenantWithManagersAsync(2);
        await PolicyAsync(tenant, "deal.win", levels: 2);
        var dealId = await DealAsync(tenant);
        var approvalId = await AcceptedAsync(tenant, HttpMethod.Post, $"/api/v1/deals/{dealId}/win", new { });

        var first = await tenant.SendJsonAsync(HttpMethod.Post, $"/api/v1/approvals/{approvalId}/approve", new { level = 1 }, HttpStatusCode.OK, managers[0].Token);
        Assert.Equal("pending", first.GetProperty("status").GetString());
        Assert.Equal(2, first.GetProperty("currentLevel").GetInt32());
        Assert.Equal("open", (await tenant.GetJsonAsync($"/api/v1/deals/{dealId}")).GetProperty("status").GetString());

        await ErrorFormatTests.AssertProblemAsync(
            await tenant.SendAsync(HttpMethod.Post, $"/api/v1/approvals/{approvalId}/approve", new { }, managers[0].Token), HttpStatusCode.Forbidden, "already_decided");
        await ErrorFormatTests.AssertProblemAsync(
            await tenant.SendAsync(HttpMethod.Post, $"/api/v1/approvals/{approvalId}/approve", new { level = 1 }, managers[1].Token), HttpStatusCode.Conflict, "level_changed");
        Assert.Equal([approvalId], await IdsAsync(tenant, "/api/v1/approvals?mine=awaiting", managers[1].Token));
        Assert.Empty(await IdsAsync(tenant, "/api/v1/approvals?mine=awaiting", managers[0].Token));

        var second = await tenant.SendJsonAsync(HttpMethod.Post, $"/api/v1/approvals/{approvalId}/approve", new { level = 2 }, HttpStatusCode.OK, managers[1].Token);
        Assert.Equal("approved", second.GetProperty("status").GetString());
        Assert.Equal([1, 2], second.GetProperty("decisions").EnumerateArray().Select(d => d.GetProperty("level").GetInt32()));
        Assert.Equal("won", (await tenant.GetJsonAsync($"/api/v1/deals/{dealId}")).GetProperty("status").GetString());
    }

    [Fact]
    public async Task ConcurrentApproveAndRejectOfOneRequestHaveOneOutcome()
    {
        var (tenant, managers) = await TenantWithManagersAsync(2);
        await PolicyAsync(tenant, "unit.reserve");
        for (var round = 0; round < 6; round++)
        {
            var unitId = await UnitAsync(tenant, $"C{round}");
            var dealId = await tenant.DealIdAsync();
            var approvalId = await AcceptedAsync(tenant, HttpMethod.Post, $"/api/v1/units/{unitId}/reserve", new { dealId });
            var approve = tenant.SendAsync(HttpMethod.Post, $"/api/v1/approvals/{approvalId}/approve", new { }, managers[round % 2].Token);
            var reject = tenant.SendAsync(HttpMethod.Post, $"/api/v1/approvals/{approvalId}/reject", new { comment = "No" }, managers[(round + 1) % 2].Token);
            var responses = await Task.WhenAll(approve, reject);
            var statuses = responses.Select(r => r.StatusCode).ToList();
            Assert.Equal(1, statuses.Count(s => s == HttpStatusCode.OK));
            Assert.Equal(1, statuses.Count(s => s == HttpStatusCode.Conflict));
            await ErrorFormatTests.AssertProblemAsync(responses.Single(r => r.StatusCode == HttpStatusCode.Conflict), HttpStatusCode.Conflict, "approval_closed");

            var outcome = (await tenant.GetJsonAsync($"/api/v1/approvals/{approvalId}")).GetProperty("status").GetString();
            var unitStatus = (await tenant.GetJsonAsync($"/api/v1/units/{unitId}")).GetProperty("status").GetString();
            Assert.Equal(statuses[0] == HttpStatusCode.OK ? "approved" : "rejected", outcome);
            Assert.Equal(outcome == "approved" ? "reserved" : "available", unitStatus);
        }
    }

    [Fact]
    public async Task AnExpiredRequestLeavesTheSubjectAsItWas()
    {
        var (tenant, managers) = await TenantWithManagersAsync(1);
        await PolicyAsync(tenant, "unit.reserve", expiresAfterMinutes: 30);
        var unitId = await UnitAsync(tenant);
        var dealId = await tenant.DealIdAsync();
        await tenant.SendJsonAsync(HttpMethod.Post, $"/api/v1/units/{unitId}/hold", new { dealId, holdMinutes = 120 }, HttpStatusCode.OK);
        var approvalId = await AcceptedAsync(tenant, HttpMethod.Post, $"/api/v1/units/{unitId}/reserve", new { dealId });

        // Its expiry is a durable reminder at expiresAt; bringing that reminder due is the passing of the 30 minutes.
        var expiresAt = (await tenant.GetJsonAsync($"/api/v1/approvals/{approvalId}")).GetProperty("expiresAt").GetDateTime().ToUniversalTime();
        var due = Assert.Single(await QueryAsSystemAsync(ReminderRows.DueTimes("approval"), r => r.GetDateTime(0), approvalId));
        Assert.InRange((due.ToUniversalTime() - expiresAt).Duration(), TimeSpan.Zero, TimeSpan.FromSeconds(5));
        Assert.Equal(1, await ExecuteAsSystemAsync(ReminderRows.BringDue("approval"), approvalId));

        var expired = await Eventually.ReturnsAsync(() => tenant.GetJsonAsync($"/api/v1/approvals/{approvalId}"), a => a.GetProperty("status").GetString() == "expired");
        Assert.Empty(expired.GetProperty("decisions").EnumerateArray());
        var unit = await tenant.GetJsonAsync($"/api/v1/units/{unitId}");
        Assert.Equal("on_hold", unit.GetProperty("status").GetString());
        Assert.Equal(dealId, unit.GetProperty("heldBy").GetProperty("id").GetGuid());
        await ErrorFormatTests.AssertProblemAsync(
            await tenant.SendAsync(HttpMethod.Post, $"/api/v1/approvals/{approvalId}/approve", new { }, managers[0].Token), HttpStatusCode.Conflict, "approval_closed");
        Assert.Equal("on_hold", (await tenant.GetJsonAsync($"/api/v1/units/{unitId}")).GetProperty("status").GetString());
    }

    [Fact]
    public async Task AGatedReservationNeverDoublesBooksAUnit()
    {
        var (tenant, managers) = await TenantWithManagersAsync(2);
        await PolicyAsync(tenant, "unit.reserve");

        // Two deals ask for one available unit; both approvals complete at once, and one of them finds it taken.
        var unitId = await UnitAsync(tenant);
        var deals = await tenant.DealIdsAsync(2);
        var approvals = new List<Guid>();
        foreach (var deal in deals)
        {
            approvals.Add(await AcceptedAsync(tenant, HttpMethod.Post, $"/api/v1/units/{unitId}/reserve", new { dealId = deal }));
        }

        var decided = await Task.WhenAll(approvals.Select((id, i) => tenant.SendJsonAsync(HttpMethod.Post, $"/api/v1/approvals/{id}/approve", new { }, HttpStatusCode.OK, managers[i].Token)));
        var winner = Assert.Single(decided, d => d.GetProperty("status").GetString() == "approved");
        var loser = Assert.Single(decided, d => d.GetProperty("status").GetString() == "rejected");
        Assert.Contains("reserved", loser.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var unit = await tenant.GetJsonAsync($"/api/v1/units/{unitId}");
        Assert.Equal("reserved", unit.GetProperty("status").GetString());
        Assert.Equal(winner.GetProperty("input").GetProperty("dealId").GetGuid(), unit.GetProperty("heldBy").GetProperty("id").GetGuid());

        // A hold that ended while its reservation waited: another deal holds the unit now, and the approval cannot take it away.
        var second = await UnitAsync(tenant, "U2");
        await tenant.SendJsonAsync(HttpMethod.Post, $"/api/v1/units/{second}/hold", new { dealId = deals[0], holdMinutes = 60 }, HttpStatusCode.OK);
        var waiting = await AcceptedAsync(tenant, HttpMethod.Post, $"/api/v1/units/{second}/reserve", new { dealId = deals[0] });
        await tenant.SendJsonAsync(HttpMethod.Post, $"/api/v1/units/{second}/release", new { reason = "Hold lapsed" }, HttpStatusCode.OK);
        await tenant.SendJsonAsync(HttpMethod.Post, $"/api/v1/units/{second}/hold", new { dealId = deals[1], holdMinutes = 60 }, HttpStatusCode.OK);
        var refused = await tenant.SendJsonAsync(HttpMethod.Post, $"/api/v1/approvals/{waiting}/approve", new { }, HttpStatusCode.OK, managers[0].Token);
        Assert.Equal("rejected", refused.GetProperty("status").GetString());
        Assert.Contains("on hold for another deal", refused.GetProperty("detail").GetString(), StringComparison.Ordinal);
        unit = await tenant.GetJsonAsync($"/api/v1/units/{second}");
        Assert.Equal("on_hold", unit.GetProperty("status").GetString());
        Assert.Equal(deals[1], unit.GetProperty("heldBy").GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task PoliciesAreValidatedAndARequestNobodyCouldApproveIsRefused()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        var managerRole = await tenant.RoleIdAsync("sales_manager");
        async Task BadAsync(object body, string field)
        {
            var problem = await ErrorFormatTests.AssertProblemAsync(await tenant.SendAsync(HttpMethod.Post, "/api/v1/approval-policies", body), HttpStatusCode.BadRequest, "validation_failed");
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"{field} not named in {problem}");
        }

        await BadAsync(new { name = "x", action = "unit.paint", approverRoleIds = new[] { managerRole } }, "action");
        await BadAsync(new { name = "x", action = "deal.discount", approverRoleIds = new[] { managerRole }, levels = 6 }, "levels");
        await BadAsync(new { name = "x", action = "deal.discount" }, "approverRoleIds");
        await BadAsync(new { name = "x", action = "deal.discount", approverRoleIds = new[] { Guid.CreateVersion7() } }, "approverRoleIds");
        await BadAsync(new { name = "x", action = "deal.discount", approverRoleIds = new[] { managerRole }, condition = new { field = "price", op = "gt", value = 5 } }, "condition.field");
        await BadAsync(new { name = "x", action = "deal.discount", approverRoleIds = new[] { managerRole }, condition = new { field = "discountPercent", op = "gt", value = "five" } }, "condition.value");
        await BadAsync(new { name = "x", action = "deal.discount", approverRoleIds = new[] { managerRole }, condition = new { field = "ownerId", op = "gt", value = Guid.CreateVersion7() } }, "condition.op");
        await BadAsync(new { name = "x", action = "deal.discount", approverRoleIds = new[] { managerRole }, expiresAfterMinutes = 0 }, "expiresAfterMinutes");

        // The owner is the only one named, and the owner asks: nobody could approve, so the action is refused and nothing changes.
        var policy = await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/approval-policies", new { name = "Only the owner", action = "unit.reserve", approverUserIds = new[] { tenant.UserId } }, HttpStatusCode.Created);
        var unitId = await UnitAsync(tenant);
        await ErrorFormatTests.AssertProblemAsync(await tenant.SendAsync(HttpMethod.Post, $"/api/v1/units/{unitId}/reserve", new { dealId = await tenant.DealIdAsync() }), HttpStatusCode.Conflict, "no_approvers");
        Assert.Equal("available", (await tenant.GetJsonAsync($"/api/v1/units/{unitId}")).GetProperty("status").GetString());

        // PATCH keeps what it is not given; a deleted policy gates nothing.
        var policyId = policy.GetProperty("id").GetGuid();
        var patched = await tenant.SendJsonAsync(HttpMethod.Patch, $"/api/v1/approval-policies/{policyId}", new { levels = 1, condition = new { field = "price", op = "gte", value = 1_000_000 } }, HttpStatusCode.OK);
        Assert.Equal("unit.reserve", patched.GetProperty("action").GetString());
        Assert.Equal("gte", patched.GetProperty("condition").GetProperty("op").GetString());
        Assert.Equal("reserved", (await tenant.SendJsonAsync(HttpMethod.Post, $"/api/v1/units/{unitId}/reserve", new { dealId = await tenant.DealIdAsync() }, HttpStatusCode.OK)).GetProperty("status").GetString());
        Assert.Single((await tenant.GetJsonAsync("/api/v1/approval-policies")).GetProperty("items").EnumerateArray());
        Assert.Equal(HttpStatusCode.NoContent, (await tenant.SendAsync(HttpMethod.Delete, $"/api/v1/approval-policies/{policyId}")).StatusCode);
        Assert.Empty((await tenant.GetJsonAsync("/api/v1/approval-policies")).GetProperty("items").EnumerateArray());
        await ErrorFormatTests.AssertProblemAsync(await tenant.SendAsync(HttpMethod.Get, $"/api/v1/approval-policies/{policyId}"), HttpStatusCode.NotFound, "not_found");
        Assert.Contains((await tenant.GetJsonAsync("/api/v1/approval-policies/actions")).EnumerateArray(), a => a.GetProperty("action").GetString() == "lead.reassign");
    }

    [Fact]
    public async Task APolicyPatchSettingARequiredFieldToNullIsRefusedAndChangesNothing()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        var id = (await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/approval-policies", new { name = "Big discounts", action = "deal.discount", approverUserIds = new[] { tenant.UserId } }, HttpStatusCode.Created))
            .GetProperty("id").GetGuid();

        await tenant.AssertNullIsRefusedAsync($"/api/v1/approval-policies/{id}", "name", "action", "levels");
    }

    [Fact]
    public async Task OnlyTheRequestersApproversAndManagersSeeARequestAndOnlyTheRequesterCancels()
    {
        var (tenant, managers) = await TenantWithManagersAsync(1);
        var (_, agentToken, _) = await tenant.AddUserAsync("agent", "agent@example.test");
        await PolicyAsync(tenant, "deal.win");
        var dealId = await DealAsync(tenant);
        var approvalId = await AcceptedAsync(tenant, HttpMethod.Post, $"/api/v1/deals/{dealId}/win", new { });

        await ErrorFormatTests.AssertProblemAsync(await tenant.SendAsync(HttpMethod.Get, $"/api/v1/approvals/{approvalId}", token: agentToken), HttpStatusCode.NotFound, "not_found");
        await ErrorFormatTests.AssertProblemAsync(await tenant.SendAsync(HttpMethod.Post, $"/api/v1/approvals/{approvalId}/cancel", new { }, agentToken), HttpStatusCode.NotFound, "not_found");
        Assert.Empty(await IdsAsync(tenant, "/api/v1/approvals", agentToken));
        Assert.Equal([approvalId], await IdsAsync(tenant, "/api/v1/approvals", managers[0].Token));

        await ErrorFormatTests.AssertProblemAsync(await tenant.SendAsync(HttpMethod.Post, $"/api/v1/approvals/{approvalId}/cancel", new { }, managers[0].Token), HttpStatusCode.Forbidden, "forbidden");
        var cancelled = await tenant.SendJsonAsync(HttpMethod.Post, $"/api/v1/approvals/{approvalId}/cancel", new { comment = "Client asked to wait" }, HttpStatusCode.OK);
        Assert.Equal("cancelled", cancelled.GetProperty("status").GetString());
        Assert.Equal("open", (await tenant.GetJsonAsync($"/api/v1/deals/{dealId}")).GetProperty("status").GetString());
        await ErrorFormatTests.AssertProblemAsync(
            await tenant.SendAsync(HttpMethod.Post, $"/api/v1/approvals/{approvalId}/approve", new { }, managers[0].Token), HttpStatusCode.Conflict, "approval_closed");
    }

    private async Task<(TenantSession Tenant, List<(Guid UserId, string Token)> Managers)> TenantWithManagersAsync(int count)
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        var managers = new List<(Guid, string)>();
        for (var i = 0; i < count; i++)
        {
            var (id, token, _) = await tenant.AddUserAsync("sales_manager", $"manager{i}@example.test");
            managers.Add((id, token));
        }

        return (tenant, managers);
    }

    /// <summary>Stores the request as stopped between its last decision and the subject's answer, then restarts the system so that only what is stored is left.</summary>
    private async Task CutOffAsync(Guid tenantId, Guid approvalId, string decisions)
    {
        Assert.Equal(1, await ExecuteAsSystemAsync(
            "UPDATE approvals SET state = state || jsonb_build_object('applying', true, 'status', 'pending', 'detail', null, 'decisions', $2::jsonb) WHERE id = $1", approvalId, decisions));
        await RestartAsync();
        await ExecuteAsSystemAsync(ReminderRows.Insert, ReminderRows.InsertParameters("approval", tenantId, approvalId, "apply", TimeSpan.FromHours(1)));
    }

    private Task<int> BringApprovalReminderDueAsync(Guid approvalId) =>
        ExecuteAsSystemAsync(ReminderRows.BringDue("approval", "apply"), approvalId);

    private static async Task<Guid> PolicyAsync(TenantSession tenant, string action, int levels = 1, object? condition = null, int? expiresAfterMinutes = null) =>
        (await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/approval-policies", new
        {
            name = $"{action} needs a manager",
            action,
            condition,
            approverRoleIds = new[] { await tenant.RoleIdAsync("sales_manager") },
            levels,
            expiresAfterMinutes,
        }, HttpStatusCode.Created)).GetProperty("id").GetGuid();

    private static async Task<Guid> UnitAsync(TenantSession tenant, string code = "U1")
    {
        var projects = (await tenant.GetJsonAsync("/api/v1/projects")).GetProperty("items");
        Guid projectId;
        if (projects.GetArrayLength() == 0)
        {
            await tenant.UnitTypeAsync();
            projectId = await tenant.ProjectAsync();
        }
        else
        {
            projectId = projects[0].GetProperty("id").GetGuid();
        }

        return await tenant.UnitAsync(projectId, code);
    }

    private static async Task<Guid> PipelineIdAsync(TenantSession tenant)
    {
        var pipelines = (await tenant.GetJsonAsync("/api/v1/pipelines")).GetProperty("items");
        return pipelines.GetArrayLength() > 0
            ? pipelines[0].GetProperty("id").GetGuid()
            : (await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/pipelines", new { name = "Sales", stages = new[] { new { name = "Enquiry" }, new { name = "Offer" } } }, HttpStatusCode.Created)).GetProperty("id").GetGuid();
    }

    private static async Task<Guid> DealAsync(TenantSession tenant) =>
        (await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/deals", new { title = "Marina 2BR", pipelineId = await PipelineIdAsync(tenant), value = new { amount = 1_200_000m, currency = "AED" } }, HttpStatusCode.Created))
        .GetProperty("id").GetGuid();

    private static async Task<Guid> AcceptedAsync(TenantSession tenant, HttpMethod method, string path, object body)
    {
        var response = await tenant.SendAsync(method, path, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"{method} {path}: {(int)response.StatusCode} {text}");
        var ticket = JsonSerializer.Deserialize<JsonElement>(text);
        Assert.Equal("pending", ticket.GetProperty("status").GetString());
        return ticket.GetProperty("approvalId").GetGuid();
    }

    private static async Task<List<Guid>> IdsAsync(TenantSession tenant, string path, string? token = null) =>
        [.. (await tenant.GetJsonAsync(path, token)).GetProperty("items").EnumerateArray().Select(a => a.GetProperty("id").GetGuid())];
}
