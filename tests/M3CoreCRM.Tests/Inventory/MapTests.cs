using System.Net;
using System.Text.Json;
using M3CoreCRM.Tests.Api;
using M3CoreCRM.Tests.Infrastructure;

namespace M3CoreCRM.Tests.Inventory;

[Collection(PostgresCollection.Name)]
public sealed class MapTests(PostgresFixture postgres) : InventoryTestBase(postgres)
{
    private static string[] Codes(JsonElement collection) =>
        [.. collection.GetProperty("features").EnumerateArray().Select(f => f.GetProperty("properties").GetProperty("code").GetString()!).Order(StringComparer.Ordinal)];

    [Fact]
    public async Task ABoundingBoxReturnsExactlyTheUnitsInsideIt()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        var other = await TenantSession.SignUpAsync(Http);
        await tenant.UnitTypeAsync();
        await other.UnitTypeAsync();
        var project = await tenant.ProjectAsync();
        var otherProject = await other.ProjectAsync();

        // The box is lng 55.10..55.20, lat 25.10..25.20.
        await tenant.UnitAsync(project, "IN-POINT", geometry: InventorySeed.Point(55.15, 25.15));
        await tenant.UnitAsync(project, "IN-EDGE", geometry: InventorySeed.Point(55.20, 25.10));
        await tenant.UnitAsync(project, "IN-SQUARE", geometry: InventorySeed.Square(55.12, 25.12, 0.01));
        await tenant.UnitAsync(project, "CROSSING", geometry: InventorySeed.Square(55.19, 25.19, 0.05));
        await tenant.UnitAsync(project, "OUT-EAST", geometry: InventorySeed.Point(55.2001, 25.15));
        await tenant.UnitAsync(project, "OUT-NORTH", geometry: InventorySeed.Square(55.12, 25.21, 0.01));
        await tenant.UnitAsync(project, "NO-GEOMETRY");
        await other.UnitAsync(otherProject, "FOREIGN", geometry: InventorySeed.Point(55.15, 25.15));

        var map = await tenant.GetJsonAsync("/api/v1/map/units?bbox=55.10,25.10,55.20,25.20");

        Assert.Equal("FeatureCollection", map.GetProperty("type").GetString());
        Assert.Equal(["CROSSING", "IN-EDGE", "IN-POINT", "IN-SQUARE"], Codes(map));
        var feature = map.GetProperty("features").EnumerateArray().Single(f => f.GetProperty("properties").GetProperty("code").GetString() == "IN-POINT");
        Assert.Equal("Feature", feature.GetProperty("type").GetString());
        Assert.Equal("Point", feature.GetProperty("geometry").GetProperty("type").GetString());
        Assert.Equal("available", feature.GetProperty("properties").GetProperty("status").GetString());
        Assert.Equal("2BR-A", feature.GetProperty("properties").GetProperty("typeCode").GetString());
        Assert.Equal(250_000m, feature.GetProperty("properties").GetProperty("listPrice").GetProperty("amount").GetDecimal());

        var filtered = await tenant.GetJsonAsync("/api/v1/map/units?bbox=55.10,25.10,55.20,25.20&status=available&minPrice=1000000");
        Assert.Empty(Codes(filtered));
        var limited = await tenant.GetJsonAsync("/api/v1/map/units?bbox=55.10,25.10,55.20,25.20&limit=2");
        Assert.Equal(2, limited.GetProperty("features").GetArrayLength());
        Assert.True(limited.GetProperty("truncated").GetBoolean());

        var inside = await tenant.GetJsonAsync("/api/v1/units?bbox=55.149,25.149,55.151,25.151");
        Assert.Equal(["IN-POINT"], inside.GetProperty("items").EnumerateArray().Select(u => u.GetProperty("code").GetString()));
    }

    [Theory]
    [InlineData("")]
    [InlineData("?bbox=55.1,25.1,55.2")]
    [InlineData("?bbox=55.2,25.1,55.1,25.2")]
    [InlineData("?bbox=-181,0,0,10")]
    [InlineData("?bbox=a,b,c,d")]
    public async Task AMissingOrMalformedBoxIsABadRequest(string query)
    {
        var tenant = await TenantSession.SignUpAsync(Http);

        var problem = await ErrorFormatTests.AssertProblemAsync(await tenant.SendAsync(HttpMethod.Get, "/api/v1/map/units" + query), HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty("bbox", out _));
        await ErrorFormatTests.AssertProblemAsync(await tenant.SendAsync(HttpMethod.Get, "/api/v1/map/projects" + query), HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    public async Task ProjectsAppearOnTheMapByBoundaryOrLocation()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        await tenant.ProjectAsync("BOUNDED", InventorySeed.Square(55.10, 25.10, 0.02));
        await tenant.ProjectAsync("PINNED", location: new { lat = 25.15, lng = 55.15 });
        await tenant.ProjectAsync("FAR", InventorySeed.Square(54.00, 24.00, 0.02));
        await tenant.ProjectAsync("NOWHERE");

        var map = await tenant.GetJsonAsync("/api/v1/map/projects?bbox=55.0,25.0,55.5,25.5");

        var features = map.GetProperty("features").EnumerateArray().ToDictionary(f => f.GetProperty("properties").GetProperty("code").GetString()!);
        Assert.Equal(["BOUNDED", "PINNED"], features.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("Polygon", features["BOUNDED"].GetProperty("geometry").GetProperty("type").GetString());
        Assert.Equal("Point", features["PINNED"].GetProperty("geometry").GetProperty("type").GetString());
        Assert.Equal(55.15, features["PINNED"].GetProperty("geometry").GetProperty("coordinates")[0].GetDouble());
    }
}
