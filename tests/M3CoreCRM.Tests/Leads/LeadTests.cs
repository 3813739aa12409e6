using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using M3CoreCRM.Tests.Api;
using M3CoreCRM.Tests.Identity;
using M3CoreCRM.Tests.Infrastructure;
using M3CoreCRM.Tests.Inventory;

namespace M3CoreCRM.Tests.Leads;

[Collection(PostgresCollection.Name)]
public sealed class LeadTests(PostgresFixture postgres) : ApiTestBase(postgres)
{
    [Fact]
    public async Task ConcurrentReadsOfALeadThatDoesNotExistAreAllAnswered404()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        var missing = Guid.NewGuid();

        var answers = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => tenant.SendAsync(HttpMethod.Get, $"/api/v1/leads/{missing}")));

        Assert.All(answers, answer => Assert.Equal(HttpStatusCode.NotFound, answer.StatusCode));
    }

    [Fact]
    public async Task APatchWhosePropertyNameIsNotValidUtf16IsA400()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        var id = await tenant.LeadIdAsync();
        var request = tenant.Request(HttpMethod.Patch, $"/api/v1/leads/{id}");
        request.Content = new StringContent("{\"\\ud800\": 1}", System.Text.Encoding.UTF8, "application/json");

        await ErrorFormatTests.AssertProblemAsync(await tenant.Http.SendAsync(request), HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    public async Task ALeadIsCreatedNormalisedReadChangedAndDeleted()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        await tenant.UnitTypeAsync("2BR-A");
        var created = await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/leads", new
        {
            name = "Amira Haddad",
            phone = "00971 50-123 4567",
            email = "Amira@Example.TEST",
            source = "referral",
            budget = new { amount = 1_250_000.50m, currency = "AED" },
            interest = new { unitTypeCodes = new[] { "2BR-A" } },
            tags = new[] { "VIP", "marina" },
        }, HttpStatusCode.Created);
        var id = created.GetProperty("id").GetGuid();
        Assert.Equal("+971501234567", created.GetProperty("phone").GetString());
        Assert.Equal("amira@example.test", created.GetProperty("email").GetString());
        Assert.Equal("new", created.GetProperty("status").GetString());
        Assert.Equal("open", created.GetProperty("statusCategory").GetString());
        Assert.Equal(tenant.UserId, created.GetProperty("ownerId").GetGuid());
        Assert.Equal(["vip", "marina"], created.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));

        var response = await tenant.SendAsync(HttpMethod.Get, $"/api/v1/leads/{id}");
        Assert.Equal("\"1\"", response.Headers.ETag?.Tag);
        var updated = await tenant.SendJsonAsync(HttpMethod.Patch, $"/api/v1/leads/{id}", new { status = "qualified", notes = "Wants sea view" }, HttpStatusCode.OK);
        Assert.Equal("qualified", updated.GetProperty("status").GetString());
        Assert.Equal("+971501234567", updated.GetProperty("phone").GetString());
        Assert.Equal(1_250_000.50m, updated.GetProperty("budget").GetProperty("amount").GetDecimal());

        var listed = Assert.Single(await tenant.AllLeadsAsync());
        Assert.Equal(updated.GetProperty("version").GetInt64(), listed.GetProperty("version").GetInt64());
        Assert.Equal("Wants sea view", listed.GetProperty("notes").GetString());

        await tenant.SendJsonAsync(HttpMethod.Delete, $"/api/v1/leads/{id}", null, HttpStatusCode.NoContent);
        await ErrorFormatTests.AssertProblemAsync(await tenant.SendAsync(HttpMethod.Get, $"/api/v1/leads/{id}"), HttpStatusCode.NotFound, "not_found");
        Assert.Empty(await tenant.AllLeadsAsync());
    }

    [Fact]
    public async Task BadLeadsAreRefusedFieldByField()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        var response = await tenant.SendAsync(HttpMethod.Post, "/api/v1/leads", new { name = "", phone = "0501234567", email = "not-an-email", source = "carrier_pigeon", status = "asleep" });
        var problem = await ErrorFormatTests.AssertProblemAsync(response, HttpStatusCode.BadRequest, "validation_failed");
        var errors = problem.GetProperty("errors");
        foreach (var field in new[] { "name", "phone", "email", "source", "status" })
        {
            Assert.True(errors.TryGetProperty(field, out _), $"no message for {field}: {errors}");
        }

        await ErrorFormatTests.AssertProblemAsync(
            await tenant.SendAsync(HttpMethod.Post, "/api/v1/leads", new { name = "X", source = "web", ownerId = Guid.CreateVersion7() }), HttpStatusCode.BadRequest, "validation_failed");
        await ErrorFormatTests.AssertProblemAsync(
            await tenant.SendAsync(HttpMethod.Post, "/api/v1/leads", new { name = "X", source = "web", interest = new { unitTypeCodes = new string?[] { null } } }), HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    public async Task ALeadsInterestMustNameAProjectAndUnitTypesOfTheTenant()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        var other = await TenantSession.SignUpAsync(Http);
        await tenant.UnitTypeAsync("2BR-A");
        var project = await tenant.ProjectAsync("OWN");
        var othersProject = await other.ProjectAsync("THEIRS");
        await other.UnitTypeAsync("VILLA-X");

        foreach (var (interest, field) in new (object, string)[]
                 {
                     (new { projectId = Guid.CreateVersion7() }, "interest.projectId"),
                     (new { projectId = othersProject }, "interest.projectId"),
                     (new { unitTypeCodes = new[] { "2BR-A", "PENTHOUSE" } }, "interest.unitTypeCodes"),
                     (new { unitTypeCodes = new[] { "VILLA-X" } }, "interest.unitTypeCodes"),
                 })
        {
            var refused = await tenant.SendAsync(HttpMethod.Post, "/api/v1/leads", new { name = "Interested", source = "web", interest });
            var problem = await ErrorFormatTests.AssertProblemAsync(refused, HttpStatusCode.BadRequest, "validation_failed");
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"{interest}: {problem}");
        }

        Assert.Empty(await tenant.AllLeadsAsync());
        var created = await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/leads", new { name = "Interested", source = "web", interest = new { projectId = project, unitTypeCodes = new[] { "2br-a" } } }, HttpStatusCode.Created);
        Assert.Equal(project, created.GetProperty("interest").GetProperty("projectId").GetGuid());
        Assert.Equal(["2BR-A"], created.GetProperty("interest").GetProperty("unitTypeCodes").EnumerateArray().Select(c => c.GetString()));

        var id = created.GetProperty("id").GetGuid();
        var patched = await tenant.SendAsync(HttpMethod.Patch, $"/api/v1/leads/{id}", new { interest = new { projectId = othersProject } });
        var patchProblem = await ErrorFormatTests.AssertProblemAsync(patched, HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(patchProblem.GetProperty("errors").TryGetProperty("interest.projectId", out _), patchProblem.ToString());
        Assert.Equal(project, (await tenant.GetJsonAsync($"/api/v1/leads/{id}")).GetProperty("interest").GetProperty("projectId").GetGuid());
    }

    [Fact]
    public async Task APatchSettingARequiredFieldToNullIsRefusedAndChangesNothing()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        var id = (await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/leads", new { name = "Nadia Karim", source = "referral", tags = new[] { "vip" } }, HttpStatusCode.Created))
            .GetProperty("id").GetGuid();

        await tenant.AssertNullIsRefusedAsync($"/api/v1/leads/{id}", "name", "source", "status", "tags");

        // An optional field may still be sent as null.
        var renamed = await tenant.SendJsonAsync(HttpMethod.Patch, $"/api/v1/leads/{id}", new { name = "Nadia Saleh", notes = (string?)null }, HttpStatusCode.OK);
        Assert.Equal("Nadia Saleh", renamed.GetProperty("name").GetString());
    }

    [Fact]
    public async Task APhoneOrEmailAlreadyOnAnOpenLeadIsRefusedWithTheExistingId()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        var first = await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/leads", new { name = "Omar", phone = "+971 55 000 1111", email = "omar@example.test", source = "web" }, HttpStatusCode.Created);
        var firstId = first.GetProperty("id").GetGuid();

        var samePhone = await tenant.SendAsync(HttpMethod.Post, "/api/v1/leads", new { name = "Omar again", phone = "00971550001111", source = "web" });
        var problem = await ErrorFormatTests.AssertProblemAsync(samePhone, HttpStatusCode.Conflict, "duplicate_lead");
        Assert.Equal(firstId, problem.GetProperty("existingId").GetGuid());
        var sameEmail = await tenant.SendAsync(HttpMethod.Post, "/api/v1/leads", new { name = "Omar B", email = "OMAR@example.test", source = "web" });
        Assert.Equal(firstId, (await ErrorFormatTests.AssertProblemAsync(sameEmail, HttpStatusCode.Conflict, "duplicate_lead")).GetProperty("existingId").GetGuid());

        // A deliberate duplicate needs leads.write at scope all: the owner has it, an agent does not.
        var (_, agentToken, _) = await tenant.AddUserAsync("agent", "agent@example.test");
        await ErrorFormatTests.AssertProblemAsync(
            await tenant.SendAsync(HttpMethod.Post, "/api/v1/leads?allowDuplicate=true", new { name = "Omar C", phone = "+971550001111", source = "web" }, agentToken), HttpStatusCode.Forbidden, "forbidden");
        await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/leads?allowDuplicate=true", new { name = "Omar C", phone = "+971550001111", source = "web" }, HttpStatusCode.Created);

        // The deliberate duplicate is still a lead with that number: the next request without allowDuplicate is refused.
        await ErrorFormatTests.AssertProblemAsync(
            await tenant.SendAsync(HttpMethod.Post, "/api/v1/leads", new { name = "Omar E", phone = "+971550001111", source = "web" }), HttpStatusCode.Conflict, "duplicate_lead");

        // Once the first lead is closed, its email is free for a new open lead.
        await tenant.SendJsonAsync(HttpMethod.Patch, $"/api/v1/leads/{firstId}", new { status = "lost" }, HttpStatusCode.OK);
        var fresh = await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/leads", new { name = "Omar D", email = "omar@example.test", source = "web" }, HttpStatusCode.Created);

        // Changing another lead to an email an open lead has is refused the same way.
        var other = await tenant.LeadIdAsync();
        var clash = await tenant.SendAsync(HttpMethod.Patch, $"/api/v1/leads/{other}", new { email = "Omar@Example.test" });
        Assert.Equal(fresh.GetProperty("id").GetGuid(), (await ErrorFormatTests.AssertProblemAsync(clash, HttpStatusCode.Conflict, "duplicate_lead")).GetProperty("existingId").GetGuid());
    }

    [Fact]
    public async Task ARetriedCreateWithTheSameIdempotencyKeyReturnsTheFirstLeadAndMakesNoOther()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        var body = new { name = "Retry Rana", phone = "+971508880001", source = "web" };
        async Task<HttpResponseMessage> SendAsync(object content)
        {
            var request = tenant.Request(HttpMethod.Post, "/api/v1/leads", content);
            request.Headers.Add("Idempotency-Key", "lead-create-1");
            return await Http.SendAsync(request);
        }

        var first = await SendAsync(body);
        var again = await SendAsync(body);
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await again.Content.ReadAsStringAsync());
        Assert.Single(await tenant.AllLeadsAsync());
        await ErrorFormatTests.AssertProblemAsync(await SendAsync(body with { name = "Someone else" }), HttpStatusCode.Conflict, "idempotency_key_reused");
    }

    [Fact]
    public async Task ConcurrentCreatesOfTheSamePersonLeaveExactlyOneLead()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        var responses = await Task.WhenAll(Enumerable.Range(0, 12).Select(i =>
            tenant.SendAsync(HttpMethod.Post, "/api/v1/leads", new { name = $"Sara {i}", phone = "+971509998877", source = "web" })));

        var created = Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        var winner = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        foreach (var refused in responses.Where(r => r != created))
        {
            var problem = await ErrorFormatTests.AssertProblemAsync(refused, HttpStatusCode.Conflict, "duplicate_lead");
            Assert.Equal(winner, problem.GetProperty("existingId").GetGuid());
        }

        Assert.Single(await tenant.AllLeadsAsync());
    }

    [Fact]
    public async Task ACursorOnlyWorksOnTheListAndSortThatReturnedItAndUntouched()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        for (var i = 0; i < 3; i++)
        {
            await tenant.LeadAsync();
            await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/contacts", new { firstName = $"Contact {i}", lastName = "Test" }, HttpStatusCode.Created);
        }

        var cursor = (await tenant.GetJsonAsync("/api/v1/leads?limit=1")).GetProperty("nextCursor").GetString()!;
        var sorted = (await tenant.GetJsonAsync("/api/v1/leads?limit=1&sort=name")).GetProperty("nextCursor").GetString()!;
        var parts = cursor.Split('.', 2);
        var payload = JsonSerializer.Deserialize<Dictionary<string, object?>>(System.Buffers.Text.Base64Url.DecodeFromChars(parts[0]))!;
        payload["Id"] = Guid.NewGuid();
        var tampered = System.Buffers.Text.Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(payload)) + (parts.Length > 1 ? "." + parts[1] : "");

        Assert.Single((await tenant.GetJsonAsync($"/api/v1/leads?limit=1&cursor={cursor}")).GetProperty("items").EnumerateArray());
        Assert.Single((await tenant.GetJsonAsync($"/api/v1/leads?limit=1&sort=name&cursor={sorted}")).GetProperty("items").EnumerateArray());
        foreach (var path in new[]
        {
            $"/api/v1/contacts?cursor={cursor}",
            $"/api/v1/leads?sort=name&cursor={cursor}",
            $"/api/v1/leads?cursor={sorted}",
            $"/api/v1/leads?cursor={tampered}",
            $"/api/v1/leads?cursor={cursor[..^2]}",
        })
        {
            var problem = await ErrorFormatTests.AssertProblemAsync(await tenant.SendAsync(HttpMethod.Get, path), HttpStatusCode.BadRequest, "validation_failed");
            Assert.True(problem.GetProperty("errors").TryGetProperty("cursor", out _), path);
        }
    }

    [Fact]
    public async Task ListsFilterSearchAndPageWithoutSkipsOrRepeatsWhileLeadsAreAdded()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        var initial = new List<Guid>();
        for (var i = 0; i < 25; i++)
        {
            initial.Add((await tenant.LeadAsync(name: i == 3 ? "Yusuf Al-Mansoori" : null, source: i % 2 == 0 ? "web" : "referral", tags: i % 5 == 0 ? ["vip"] : null)).GetProperty("id").GetGuid());
        }

        // Page through, newest first, while other leads keep arriving.
        var seen = new List<Guid>();
        string? cursor = null;
        var adding = 0;
        do
        {
            var page = await tenant.GetJsonAsync($"/api/v1/leads?limit=4{(cursor is null ? "" : "&cursor=" + cursor)}");
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(l => l.GetProperty("id").GetGuid()));
            cursor = page.GetProperty("nextCursor").GetString();
            if (adding++ < 5)
            {
                await tenant.LeadAsync();
            }
        }
        while (cursor is not null);

        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.Empty(initial.Except(seen));

        Assert.Equal(13, (await tenant.AllLeadsAsync("&source=web")).Count(l => initial.Contains(l.GetProperty("id").GetGuid())));
        Assert.Equal(5, (await tenant.AllLeadsAsync("&tag=VIP")).Count);
        var byName = Assert.Single(await tenant.AllLeadsAsync("&q=mansoo"));
        Assert.Equal(initial[3], byName.GetProperty("id").GetGuid());
        var phone = byName.GetProperty("phone").GetString()!;
        Assert.Equal(initial[3], Assert.Single(await tenant.AllLeadsAsync($"&q={Uri.EscapeDataString(phone[4..])}")).GetProperty("id").GetGuid());
        Assert.Equal(initial[3], Assert.Single(await tenant.AllLeadsAsync($"&q={byName.GetProperty("email").GetString()![..8]}")).GetProperty("id").GetGuid());
        Assert.Empty(await tenant.AllLeadsAsync("&q=%25"));

        var byNameSort = await tenant.AllLeadsAsync("&sort=name");
        Assert.Equal(byNameSort.Select(l => l.GetProperty("name").GetString()).Order(StringComparer.Ordinal), byNameSort.Select(l => l.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task LeadsSortedByLastEditComeMostRecentlyEditedFirstAcrossPages()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        var leads = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            leads.Add(await tenant.LeadIdAsync($"Edited {i}"));
        }

        await tenant.SendJsonAsync(HttpMethod.Patch, $"/api/v1/leads/{leads[1]}", new { notes = "first edit" }, HttpStatusCode.OK);
        await tenant.SendJsonAsync(HttpMethod.Patch, $"/api/v1/leads/{leads[3]}", new { notes = "second edit" }, HttpStatusCode.OK);

        // Two to a page, so that the order holds across cursors too.
        var seen = (await tenant.AllLeadsAsync("&sort=-updatedAt", limit: 2)).Select(l => l.GetProperty("id").GetGuid());

        Assert.Equal([leads[3], leads[1], leads[4], leads[2], leads[0]], seen);
    }

    [Fact]
    public async Task AgentsSeeTheirOwnLeadsManagersTheirGroupsAndOwnersAll()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        var (agentA, tokenA, _) = await tenant.AddUserAsync("agent", "a@example.test");
        var (agentB, tokenB, _) = await tenant.AddUserAsync("agent", "b@example.test");
        var (manager, managerToken, _) = await tenant.AddUserAsync("sales_manager", "manager@example.test");
        var (outsider, _, _) = await tenant.AddUserAsync("agent", "c@example.test");
        await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/groups", new { name = "Team A", memberIds = new[] { manager, agentA } }, HttpStatusCode.Created);
        var leadA = await tenant.LeadIdAsync(token: tokenA);
        var leadB = await tenant.LeadIdAsync(token: tokenB);
        var leadOutsider = await tenant.LeadIdAsync(ownerId: outsider);

        Assert.Equal([leadA], (await tenant.AllLeadsAsync(token: tokenA)).Select(l => l.GetProperty("id").GetGuid()));
        Assert.Equal([leadA], (await tenant.AllLeadsAsync(token: managerToken)).Select(l => l.GetProperty("id").GetGuid()));
        Assert.Equal(new[] { leadA, leadB, leadOutsider }.Order(), (await tenant.AllLeadsAsync()).Select(l => l.GetProperty("id").GetGuid()).Order());

        await ErrorFormatTests.AssertProblemAsync(await tenant.SendAsync(HttpMethod.Get, $"/api/v1/leads/{leadB}", token: tokenA), HttpStatusCode.NotFound, "not_found");
        await ErrorFormatTests.AssertProblemAsync(await tenant.SendAsync(HttpMethod.Patch, $"/api/v1/leads/{leadB}", new { name = "Mine now" }, tokenA), HttpStatusCode.NotFound, "not_found");

        // An agent creates leads for themselves only.
        await ErrorFormatTests.AssertProblemAsync(
            await tenant.SendAsync(HttpMethod.Post, "/api/v1/leads", new { name = "For B", phone = "+971501110000", source = "web", ownerId = agentB }, tokenA), HttpStatusCode.Forbidden, "forbidden");
    }
}
