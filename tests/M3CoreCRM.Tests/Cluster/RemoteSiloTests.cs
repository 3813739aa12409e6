using System.Net;
using System.Net.Http.Json;
using M3CoreCRM.Runtime.Persistence;
using M3CoreCRM.Testing;
using M3CoreCRM.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace M3CoreCRM.Tests.Cluster;

/// <summary>Silo processes and an ApiHost that hosts no silo: calls reach the owners over HTTP, and survive a silo killed with SIGKILL.</summary>
[Collection(PostgresCollection.Name)]
public sealed class RemoteSiloTests(PostgresFixture postgres)
{
    private const string Secret = "test-cluster-secret-0123456789";

    private static Dictionary<string, string> SiloEnvironment(string database) => new()
    {
        ["ConnectionStrings__Postgres"] = database,
        ["M3_CLUSTER_SECRET"] = Secret,
        ["Cluster__HeartbeatInterval"] = "00:00:00.300",
        ["Cluster__DeadAfter"] = "00:00:02",
        ["Cluster__LeaseDuration"] = "00:00:03",
        ["Cluster__LeaseRenewInterval"] = "00:00:00.500",
    };

    [Fact]
    public async Task ApiHostWithoutASiloServesTenantsFromTwoSilosAndSurvivesOneBeingKilled()
    {
        var database = await postgres.Server.CreateDatabaseAsync("remote");
        await using var first = await HostProcess.StartAsync("M3CoreCRM.Silo", SiloEnvironment(database));
        await using var second = await HostProcess.StartAsync("M3CoreCRM.Silo", SiloEnvironment(database));
        await using var api = new ApiFactory(database, new Dictionary<string, string>
        {
            ["M3_SILO"] = "remote",
            ["M3_CLUSTER_SECRET"] = Secret,
            ["Cluster:HeartbeatInterval"] = "00:00:00.300",
            ["Cluster:DeadAfter"] = "00:00:02",
        });
        using var http = api.CreateClient();

        var tenants = new List<TenantSession>();
        for (var i = 0; i < 12; i++)
        {
            tenants.Add(await TenantSession.SignUpAsync(http));
        }

        var owners = await LeaseHoldersAsync(api, tenants);
        Assert.Equal(2, owners.Values.Distinct().Count());

        await first.KillAsync();

        foreach (var tenant in tenants)
        {
            var renamed = await Eventually.ReturnsAsync(
                async () => (await tenant.SendAsync(HttpMethod.Patch, "/api/v1/me", new { name = "After Fail-over" })).StatusCode,
                status => status == HttpStatusCode.OK,
                TimeSpan.FromSeconds(15));
            Assert.Equal(HttpStatusCode.OK, renamed);
            Assert.Equal("After Fail-over", (await tenant.GetJsonAsync("/api/v1/me")).GetProperty("user").GetProperty("name").GetString());
        }

        Assert.Single((await LeaseHoldersAsync(api, tenants)).Values.Distinct());
    }

    [Fact]
    public async Task SiloForwardsACallForATenantItDoesNotOwnToTheOwner()
    {
        var database = await postgres.Server.CreateDatabaseAsync("remote");
        await using var first = await HostProcess.StartAsync("M3CoreCRM.Silo", SiloEnvironment(database));
        await using var second = await HostProcess.StartAsync("M3CoreCRM.Silo", SiloEnvironment(database));
        await using var api = new ApiFactory(database, new Dictionary<string, string> { ["M3_SILO"] = "remote", ["M3_CLUSTER_SECRET"] = Secret });
        using var http = api.CreateClient();
        var tenant = await TenantSession.SignUpAsync(http);
        var owner = (await LeaseHoldersAsync(api, [tenant]))[tenant.TenantId];
        var silos = new[] { first, second };

        // Ask both silos directly: one owns the tenant, the other must forward.
        foreach (var silo in silos)
        {
            using var client = new HttpClient { BaseAddress = silo.Address };
            using var request = new HttpRequestMessage(HttpMethod.Post, "/internal/grains/call")
            {
                Content = JsonContent.Create(new
                {
                    @interface = "M3CoreCRM.Grains.Abstractions.Identity.ITenantGrain",
                    method = "GetAsync",
                    tenantId = tenant.TenantId,
                    key = tenant.TenantId,
                    grainType = "tenant",
                    arguments = Array.Empty<object>(),
                }),
            };
            request.Headers.Add("X-Cluster-Secret", Secret);
            var answer = await client.SendAsync(request);
            var body = await answer.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();

            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            Assert.Equal(System.Text.Json.JsonValueKind.Null, body.GetProperty("failure").ValueKind);
            Assert.Equal(tenant.Slug, body.GetProperty("result").GetProperty("slug").GetString());
        }

        Assert.Equal(owner, (await LeaseHoldersAsync(api, [tenant]))[tenant.TenantId]);
    }

    [Fact]
    public async Task SilosInternalEndpointRefusesCallersWithoutTheClusterSecret()
    {
        var database = await postgres.Server.CreateDatabaseAsync("remote");
        await using var silo = await HostProcess.StartAsync("M3CoreCRM.Silo", SiloEnvironment(database));
        using var http = new HttpClient { BaseAddress = silo.Address };

        var response = await http.PostAsJsonAsync("/internal/grains/call", new { @interface = "x", method = "y" });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    private static async Task<Dictionary<Guid, Guid>> LeaseHoldersAsync(ApiFactory api, IEnumerable<TenantSession> tenants)
    {
        var db = api.Services.GetRequiredService<NpgsqlDataSource>();
        await using var batch = db.ForSystem();
        batch.Add("SELECT tenant_id, silo_id FROM tenant_leases WHERE tenant_id = ANY($1) AND expires_at > now()").With(tenants.Select(t => t.TenantId).ToArray());
        var holders = new Dictionary<Guid, Guid>();
        await using var reader = await batch.ReadAsync(CancellationToken.None);
        while (await reader.ReadAsync())
        {
            holders[reader.GetGuid(0)] = reader.GetGuid(1);
        }

        return holders;
    }
}
