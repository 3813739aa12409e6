using System.Net;
using System.Text.Json;
using M3CoreCRM.Tests.Api;
using M3CoreCRM.Tests.Infrastructure;

using M3CoreCRM.Tests.Leads;

namespace M3CoreCRM.Tests.Inventory;

[Collection(PostgresCollection.Name)]
public sealed class InventoryCatalogTests(PostgresFixture postgres) : InventoryTestBase(postgres)
{
    [Fact]
    public async Task TypeCodesAreUniquePerTenantAndCatalogRegardlessOfCase()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        var other = await TenantSession.SignUpAsync(Http);
        var created = await tenant.UnitTypeAsync("2BR-A");
        Assert.Equal("apartment", created.GetProperty("category").GetString());

        await ErrorFormatTests.AssertProblemAsync(
            await tenant.SendAsync(HttpMethod.Post, "/api/v1/unit-types", new { code = "2br-a", name = "Again", category = "apartment" }), HttpStatusCode.Conflict, "code_taken");
        await tenant.ComponentTypeAsync("2BR-A", "storage");
        await other.UnitTypeAsync("2BR-A");

        var units = await tenant.GetJsonAsync("/api/v1/unit-types");
        Assert.Equal(["2BR-A"], units.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("code").GetString()));
        var components = await tenant.GetJsonAsync("/api/v1/component-types");
        Assert.Equal("storage", components.GetProperty("items")[0].GetProperty("category").GetString());

        var id = created.GetProperty("id").GetGuid();
        var renamed = await tenant.SendJsonAsync(HttpMethod.Patch, $"/api/v1/unit-types/{id}", new { name = "Two bedroom, A" }, HttpStatusCode.OK);
        Assert.Equal("Two bedroom, A", renamed.GetProperty("name").GetString());
        await ErrorFormatTests.AssertProblemAsync(
            await tenant.SendAsync(HttpMethod.Patch, $"/api/v1/unit-types/{id}", new { code = "2BR-Z" }), HttpStatusCode.BadRequest, "validation_failed");
        await ErrorFormatTests.AssertProblemAsync(await tenant.SendAsync(HttpMethod.Get, $"/api/v1/component-types/{id}"), HttpStatusCode.NotFound, "not_found");
        await ErrorFormatTests.AssertProblemAsync(
            await tenant.SendAsync(HttpMethod.Post, "/api/v1/unit-types", new { code = "bad code!", name = "", category = "apartment" }), HttpStatusCode.BadRequest, "validation_failed");
    }

    [Theory]
    [InlineData("""{ "type": "Polygon", "coordinates": [[[55.1, 25.1], [55.2, 25.1], [55.2, 25.2], [55.1, 25.2]]] }""", "not closed")]
    [InlineData("""{ "type": "Polygon", "coordinates": [[[55.1, 25.1], [55.2, 25.1], [55.1, 25.1]]] }""", "at least four positions")]
    [InlineData("""{ "type": "Polygon", "coordinates": [[[190.0, 25.1], [55.2, 25.1], [55.2, 25.2], [190.0, 25.1]]] }""", "longitude must be within")]
    [InlineData("""{ "type": "Polygon", "coordinates": [[[55.1, 95.0], [55.2, 25.1], [55.2, 25.2], [55.1, 95.0]]] }""", "latitude within")]
    [InlineData("""{ "type": "LineString", "coordinates": [[55.1, 25.1], [55.2, 25.1]] }""", "type must be one of")]
    [InlineData("""{ "type": "Polygon", "coordinates": "nope" }""", "coordinates must be an array")]
    [InlineData("""{ "type": "Polygon", "coordinates": [[["a", 25.1], [55.2, 25.1], [55.2, 25.2], ["a", 25.1]]] }""", "a position is")]
    public async Task InvalidBoundariesAreRefusedWithTheReason(string boundary, string reason)
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        var response = await tenant.SendAsync(HttpMethod.Post, "/api/v1/projects",
            new { name = "Dunes", code = "DUNES", boundary = JsonDocument.Parse(boundary).RootElement });

        var problem = await ErrorFormatTests.AssertProblemAsync(response, HttpStatusCode.BadRequest, "validation_failed");
        var messages = problem.GetProperty("errors").GetProperty("boundary").EnumerateArray().Select(m => m.GetString()!).ToArray();
        Assert.Contains(messages, m => m.Contains(reason, StringComparison.Ordinal));
        var projects = await tenant.GetJsonAsync("/api/v1/projects");
        Assert.Equal(0, projects.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task ProjectsHaveUniqueCodesAndKeepTheirBoundary()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        var boundary = InventorySeed.Square(55.10, 25.10, 0.02);
        var id = await tenant.ProjectAsync("MARINA", boundary, new { lat = 25.11, lng = 55.11 });

        var project = await tenant.GetJsonAsync($"/api/v1/projects/{id}");
        Assert.Equal("Polygon", project.GetProperty("boundary").GetProperty("type").GetString());
        Assert.Equal(25.11, project.GetProperty("location").GetProperty("lat").GetDouble());
        var taken = await ErrorFormatTests.AssertProblemAsync(
            await tenant.SendAsync(HttpMethod.Post, "/api/v1/projects", new { name = "Copy", code = "marina" }), HttpStatusCode.Conflict, "code_taken");
        Assert.Contains("'marina'", taken.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await ErrorFormatTests.AssertProblemAsync(
            await tenant.SendAsync(HttpMethod.Post, "/api/v1/projects", new { name = "Half", code = "HALF", location = new { lat = 25.1 } }), HttpStatusCode.BadRequest, "validation_failed");

        var response = await tenant.SendAsync(HttpMethod.Get, $"/api/v1/projects/{id}");
        var etag = response.Headers.ETag!.Tag;
        using var stale = tenant.Request(HttpMethod.Patch, $"/api/v1/projects/{id}", new { name = "Marina Heights" });
        stale.Headers.TryAddWithoutValidation("If-Match", "\"999\"");
        await ErrorFormatTests.AssertProblemAsync(await Http.SendAsync(stale), HttpStatusCode.PreconditionFailed, "version_mismatch");
        using var current = tenant.Request(HttpMethod.Patch, $"/api/v1/projects/{id}", new { name = "Marina Heights" });
        current.Headers.TryAddWithoutValidation("If-Match", etag);
        var renamed = await Http.SendAsync(current);
        Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
        var after = await tenant.GetJsonAsync($"/api/v1/projects/{id}");
        Assert.Equal("Marina Heights", after.GetProperty("name").GetString());
        Assert.Equal("Polygon", after.GetProperty("boundary").GetProperty("type").GetString());
    }

    [Fact]
    public async Task UnitsReferToTheirTenantsProjectAndCatalogs()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        var other = await TenantSession.SignUpAsync(Http);
        await tenant.UnitTypeAsync();
        await tenant.ComponentTypeAsync("PARKING");
        var foreignProject = await other.ProjectAsync("FOREIGN");
        var project = await tenant.ProjectAsync();

        var foreign = await tenant.SendAsync(HttpMethod.Post, "/api/v1/units", InventorySeed.UnitBody(foreignProject, "U1"));
        var problem = await ErrorFormatTests.AssertProblemAsync(foreign, HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty("projectId", out _));

        var unknownTypes = await tenant.SendAsync(HttpMethod.Post, "/api/v1/units",
            InventorySeed.UnitBody(project, "U1", typeCode: "PENTHOUSE", components: [new { typeCode = "GARDEN", quantity = 1 }]));
        problem = await ErrorFormatTests.AssertProblemAsync(unknownTypes, HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty("typeCode", out _));
        Assert.True(problem.GetProperty("errors").TryGetProperty("components", out _));

        var badFields = await tenant.SendAsync(HttpMethod.Post, "/api/v1/units", new
        {
            projectId = project, code = "U1", typeCode = "2BR-A",
            dimensions = new { areaSqm = -1, bedrooms = 2, bathrooms = 1, rooms = Array.Empty<object>() },
            listPrice = new { amount = 10.123m, currency = "XYZ" },
        });
        problem = await ErrorFormatTests.AssertProblemAsync(badFields, HttpStatusCode.BadRequest, "validation_failed");
        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty("dimensions.areaSqm", out _));
        Assert.True(errors.TryGetProperty("listPrice.amount", out _));
        Assert.True(errors.TryGetProperty("listPrice.currency", out _));

        var wrongType = await tenant.SendAsync(HttpMethod.Post, "/api/v1/units", new { projectId = project, code = 5 });
        await ErrorFormatTests.AssertProblemAsync(wrongType, HttpStatusCode.BadRequest, "validation_failed");

        var created = await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/units",
            InventorySeed.UnitBody(project, "U1", typeCode: "2br-a", components: [new { typeCode = "parking", quantity = 1 }, new { typeCode = "PARKING", quantity = 1 }]), HttpStatusCode.Created);
        Assert.Equal("2BR-A", created.GetProperty("typeCode").GetString());
        Assert.Equal("PARKING", created.GetProperty("components")[0].GetProperty("typeCode").GetString());
        Assert.Equal(2, created.GetProperty("components")[0].GetProperty("quantity").GetInt32());
        Assert.Equal("available", created.GetProperty("status").GetString());
        Assert.Equal(2, created.GetProperty("dimensions").GetProperty("rooms").GetArrayLength());
        await ErrorFormatTests.AssertProblemAsync(
            await tenant.SendAsync(HttpMethod.Post, "/api/v1/units", InventorySeed.UnitBody(project, "u1")), HttpStatusCode.Conflict, "code_taken");

        var id = created.GetProperty("id").GetGuid();
        await ErrorFormatTests.AssertProblemAsync(await other.SendAsync(HttpMethod.Get, $"/api/v1/units/{id}"), HttpStatusCode.NotFound, "not_found");
        await ErrorFormatTests.AssertProblemAsync(
            await other.SendAsync(HttpMethod.Post, $"/api/v1/units/{id}/hold", new { dealId = Guid.NewGuid(), holdMinutes = 10 }), HttpStatusCode.NotFound, "not_found");
        Assert.Equal(0, (await other.GetJsonAsync("/api/v1/units")).GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task PercentAndUnderscoreInQMatchThemselvesInUnitAndProjectLists()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        await tenant.UnitTypeAsync();
        var project = await tenant.ProjectAsync("P1X");
        await tenant.UnitAsync(project, "P1-A");
        await tenant.UnitAsync(project, "P2-B");

        Assert.Equal(2, (await tenant.GetJsonAsync("/api/v1/units?q=p")).GetProperty("items").GetArrayLength());
        Assert.Single((await tenant.GetJsonAsync("/api/v1/projects?q=p1")).GetProperty("items").EnumerateArray());
        foreach (var q in new[] { "%25", "P_", "_", "%25A", "P%25" })
        {
            Assert.Empty((await tenant.GetJsonAsync($"/api/v1/units?q={q}")).GetProperty("items").EnumerateArray());
            Assert.Empty((await tenant.GetJsonAsync($"/api/v1/projects?q={q}")).GetProperty("items").EnumerateArray());
        }
    }

    [Fact]
    public async Task UnitListsFilterSortAndPageWithoutSkipsOrRepeats()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        await tenant.UnitTypeAsync();
        await tenant.UnitTypeAsync("VILLA", "villa");
        var project = await tenant.ProjectAsync();
        var other = await tenant.ProjectAsync("OTHER");
        for (var i = 0; i < 12; i++)
        {
            await tenant.UnitAsync(i % 3 == 0 ? other : project, $"L-{i:00}", price: 100_000m + (i * 10_000m), bedrooms: 1 + (i % 3), areaSqm: 50 + i);
        }

        var villa = await tenant.UnitAsync(project, "V-1", price: 900_000m, bedrooms: 5, areaSqm: 400, typeCode: "VILLA");
        await tenant.SendJsonAsync(HttpMethod.Post, $"/api/v1/units/{villa}/hold", new { leadId = await tenant.LeadIdAsync(), holdMinutes = 10 }, HttpStatusCode.OK);

        static string[] Codes(JsonElement page) => [.. page.GetProperty("items").EnumerateArray().Select(u => u.GetProperty("code").GetString()!)];

        Assert.Equal(["L-01", "L-04", "L-07", "L-10"], Codes(await tenant.GetJsonAsync($"/api/v1/units?projectId={project}&bedrooms=2")));
        Assert.Equal(["L-03", "L-04", "L-05"], Codes(await tenant.GetJsonAsync("/api/v1/units?minPrice=130000&maxPrice=150000")));
        Assert.Equal(["L-10", "L-11", "V-1"], Codes(await tenant.GetJsonAsync("/api/v1/units?minArea=60")));
        Assert.Equal(["V-1"], Codes(await tenant.GetJsonAsync("/api/v1/units?status=on_hold")));
        Assert.Equal(["V-1"], Codes(await tenant.GetJsonAsync("/api/v1/units?typeCode=villa")));
        Assert.Equal(["V-1", "L-11"], Codes(await tenant.GetJsonAsync("/api/v1/units?sort=-listPrice&limit=2")));
        await ErrorFormatTests.AssertProblemAsync(await tenant.SendAsync(HttpMethod.Get, "/api/v1/units?status=lost"), HttpStatusCode.BadRequest, "validation_failed");
        await ErrorFormatTests.AssertProblemAsync(await tenant.SendAsync(HttpMethod.Get, "/api/v1/units?minPrice=cheap"), HttpStatusCode.BadRequest, "validation_failed");
        await ErrorFormatTests.AssertProblemAsync(await tenant.SendAsync(HttpMethod.Get, "/api/v1/units?sort=colour"), HttpStatusCode.BadRequest, "validation_failed");

        // Keyset pages by price while units are added ahead of and behind the cursor.
        var seen = new List<string>();
        string? cursor = null;
        var added = 0;
        do
        {
            var page = await tenant.GetJsonAsync($"/api/v1/units?sort=listPrice&limit=4{(cursor is null ? "" : "&cursor=" + cursor)}");
            seen.AddRange(Codes(page));
            cursor = page.GetProperty("nextCursor").GetString();
            await tenant.UnitAsync(project, $"N-{added++}", price: added % 2 == 0 ? 1m : 5_000_000m);
        }
        while (cursor is not null);

        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.Equal(13, seen.Count(c => !c.StartsWith("N-", StringComparison.Ordinal)));

        // Ties: rows of one price are paged by id, two at a time, in both directions.
        var tied = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            tied.Add(await tenant.UnitAsync(project, $"T-{i}", price: 777_777m));
        }

        foreach (var order in new[] { "listPrice", "-listPrice" })
        {
            var paged = new List<Guid>();
            cursor = null;
            do
            {
                var page = await tenant.GetJsonAsync($"/api/v1/units?minPrice=777777&maxPrice=777777&sort={order}&limit=2{(cursor is null ? "" : "&cursor=" + cursor)}");
                paged.AddRange(page.GetProperty("items").EnumerateArray().Select(u => u.GetProperty("id").GetGuid()));
                cursor = page.GetProperty("nextCursor").GetString();
            }
            while (cursor is not null);

            Assert.Equal(order == "listPrice" ? tied.Order() : tied.OrderDescending(), paged);
        }

        // A list row is the same record as the unit read by id.
        var listed = (await tenant.GetJsonAsync($"/api/v1/units?q=v-")).GetProperty("items")[0];
        var single = await tenant.GetJsonAsync($"/api/v1/units/{villa}");
        Assert.Equal(single.GetRawText(), listed.GetRawText());
    }

    [Theory]
    [InlineData("projects", new[] { "name", "code" })]
    [InlineData("unit-types", new[] { "code", "name", "category" })]
    [InlineData("component-types", new[] { "code", "name", "category" })]
    [InlineData("units", new[] { "projectId", "code", "typeCode", "dimensions", "components", "listPrice" })]
    public async Task APatchSettingARequiredFieldToNullIsRefusedAndChangesNothing(string route, string[] fields)
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        var unitType = await tenant.UnitTypeAsync();
        var projectId = await tenant.ProjectAsync();
        var id = route switch
        {
            "projects" => projectId,
            "unit-types" => unitType.GetProperty("id").GetGuid(),
            "component-types" => (await tenant.ComponentTypeAsync()).GetProperty("id").GetGuid(),
            _ => await tenant.UnitAsync(projectId, "A-101"),
        };

        await tenant.AssertNullIsRefusedAsync($"/api/v1/{route}/{id}", fields);
    }

    [Fact]
    public async Task AgentsReadTheInventoryButCannotChangeIt()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        await tenant.UnitTypeAsync();
        var project = await tenant.ProjectAsync();
        var unit = await tenant.UnitAsync(project, "A-1");
        var (_, agent, _) = await tenant.AddUserAsync("agent", $"agent@{tenant.Slug}.test");
        var (_, viewer, _) = await tenant.AddUserAsync("viewer", $"viewer@{tenant.Slug}.test");

        Assert.Equal(HttpStatusCode.OK, (await tenant.SendAsync(HttpMethod.Get, $"/api/v1/units/{unit}", token: agent)).StatusCode);
        await ErrorFormatTests.AssertProblemAsync(
            await tenant.SendAsync(HttpMethod.Post, "/api/v1/units", InventorySeed.UnitBody(project, "A-2"), agent), HttpStatusCode.Forbidden, "forbidden");
        await ErrorFormatTests.AssertProblemAsync(
            await tenant.SendAsync(HttpMethod.Patch, $"/api/v1/projects/{project}", new { name = "Mine" }, agent), HttpStatusCode.Forbidden, "forbidden");
        await ErrorFormatTests.AssertProblemAsync(
            await tenant.SendAsync(HttpMethod.Post, $"/api/v1/units/{unit}/hold", new { leadId = Guid.NewGuid(), holdMinutes = 10 }, viewer), HttpStatusCode.Forbidden, "forbidden");
        await ErrorFormatTests.AssertProblemAsync(
            await tenant.SendAsync(HttpMethod.Post, $"/api/v1/units/{unit}/release", new { reason = "x" }, viewer), HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal(HttpStatusCode.OK, (await tenant.SendAsync(HttpMethod.Get, $"/api/v1/projects/{project}/availability", token: viewer)).StatusCode);
    }

    [Fact]
    public async Task ARoleChangeAppliesToTheVeryNextRequest()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        await tenant.UnitTypeAsync();
        var project = await tenant.ProjectAsync();
        var (_, agent, _) = await tenant.AddUserAsync("agent", $"agent@{tenant.Slug}.test");
        var agentRole = await tenant.RoleIdAsync("agent");
        var role = await tenant.GetJsonAsync($"/api/v1/roles/{agentRole}");
        await ErrorFormatTests.AssertProblemAsync(
            await tenant.SendAsync(HttpMethod.Post, "/api/v1/units", InventorySeed.UnitBody(project, "A-1"), agent), HttpStatusCode.Forbidden, "forbidden");

        var grants = role.GetProperty("grants").EnumerateArray().Select(g => new { permission = g.GetProperty("permission").GetString(), scope = g.GetProperty("scope").GetString() })
            .Append(new { permission = (string?)"inventory.write", scope = (string?)"all" }).ToArray();
        await tenant.SendJsonAsync(HttpMethod.Patch, $"/api/v1/roles/{agentRole}", new { grants }, HttpStatusCode.OK);
        await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/units", InventorySeed.UnitBody(project, "A-1"), HttpStatusCode.Created, agent);

        await tenant.SendJsonAsync(HttpMethod.Patch, $"/api/v1/roles/{agentRole}", new { grants = grants.SkipLast(1).ToArray() }, HttpStatusCode.OK);
        await ErrorFormatTests.AssertProblemAsync(
            await tenant.SendAsync(HttpMethod.Post, "/api/v1/units", InventorySeed.UnitBody(project, "A-2"), agent), HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task ConcurrentPatchesOfDifferentFieldsBothLand()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        await tenant.UnitTypeAsync();
        var project = await tenant.ProjectAsync();
        var units = new List<Guid>();
        for (var i = 0; i < 10; i++)
        {
            units.Add(await tenant.UnitAsync(project, $"P-{i}"));
        }

        await Task.WhenAll(units.SelectMany(unit => new[]
        {
            tenant.SendJsonAsync(HttpMethod.Patch, $"/api/v1/units/{unit}", new { listPrice = new { amount = 1_234_567m, currency = "AED" } }, HttpStatusCode.OK),
            tenant.SendJsonAsync(HttpMethod.Patch, $"/api/v1/units/{unit}", new { orientation = "NW" }, HttpStatusCode.OK),
            tenant.SendJsonAsync(HttpMethod.Patch, $"/api/v1/units/{unit}", new { building = "Tower 2" }, HttpStatusCode.OK),
        }));

        foreach (var unit in units)
        {
            var stored = await tenant.GetJsonAsync($"/api/v1/units/{unit}");
            Assert.Equal(("AED", "NW", "Tower 2"), (stored.GetProperty("listPrice").GetProperty("currency").GetString(), stored.GetProperty("orientation").GetString(), stored.GetProperty("building").GetString()));
        }
    }
}
