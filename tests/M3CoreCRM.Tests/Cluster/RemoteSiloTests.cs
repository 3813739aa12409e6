using System.Net;
using M3CoreCRM.Testing;
using M3CoreCRM.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace M3CoreCRM.Tests.Cluster;

/// <summary>
/// Silo processes that form one Orleans cluster through the membership table in PostgreSQL, and an ApiHost that
/// hosts no silo (an Orleans client): requests are served by the silos, and go on being served when one is killed.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class RemoteSiloTests(PostgresFixture postgres)
{
    // Two missed one-second probes declare a killed silo dead (Orleans' defaults take 10-15 s).
    private static Dictionary<string, string> ClusterSettings(string separator) => new()
    {
        [$"Orleans{separator}Membership{separator}ProbeTimeout"] = "00:00:01",
        [$"Orleans{separator}Membership{separator}NumMissedProbesLimit"] = "2",
        [$"Orleans{separator}Membership{separator}NumVotesForDeathDeclaration"] = "1",
        [$"Orleans{separator}Membership{separator}TableRefreshTimeout"] = "00:00:02",
        [$"Orleans{separator}ClusterId"] = "remote-test",
    };

    private static Dictionary<string, string> SiloEnvironment(string database) =>
        new(ClusterSettings("__")) { ["ConnectionStrings__Postgres"] = database };

    [Fact]
    public async Task ApiHostWithoutASiloServesTenantsFromTwoSilosAndSurvivesOneBeingKilled()
    {
        var database = await postgres.Server.CreateDatabaseAsync("remote");
        await using var first = await HostProcess.StartAsync("M3CoreCRM.Silo", SiloEnvironment(database));
        await using var second = await HostProcess.StartAsync("M3CoreCRM.Silo", SiloEnvironment(database));
        await using var api = new ApiFactory(database, new Dictionary<string, string>(ClusterSettings(":")) { ["M3_SILO"] = "remote" });
        using var http = api.CreateClient();
        Assert.Equal(2, await ActiveSilosAsync(api));

        var tenants = new List<TenantSession>();
        for (var i = 0; i < 8; i++)
        {
            tenants.Add(await TenantSession.SignUpAsync(http));
        }

        await first.KillAsync();

        foreach (var tenant in tenants)
        {
            var renamed = await Eventually.ReturnsAsync(
                async () => (await tenant.SendAsync(HttpMethod.Patch, "/api/v1/me", new { name = "After Fail-over" })).StatusCode,
                status => status == HttpStatusCode.OK,
                TimeSpan.FromSeconds(30));
            Assert.Equal(HttpStatusCode.OK, renamed);
            Assert.Equal("After Fail-over", (await tenant.GetJsonAsync("/api/v1/me")).GetProperty("user").GetProperty("name").GetString());
        }

        await Eventually.ReturnsAsync(() => ActiveSilosAsync(api), active => active == 1, TimeSpan.FromSeconds(30));
    }

    /// <summary>Silos the membership table lists as active (status 3).</summary>
    private static async Task<long> ActiveSilosAsync(ApiFactory api)
    {
        await using var command = api.Services.GetRequiredService<NpgsqlDataSource>().CreateCommand(
            "SELECT count(*) FROM orleansmembershiptable WHERE deploymentid = 'remote-test' AND status = 3");
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
