using System.Net;
using M3CoreCRM.ApiHost.Identity;
using M3CoreCRM.Grains.Abstractions.Identity;
using M3CoreCRM.Grains.Persistence;
using M3CoreCRM.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace M3CoreCRM.Tests.Identity;

/// <summary>
/// The scope condition that list queries add, and the same rule over cached access (<see cref="Caller.Reaches"/>)
/// that reads from a grain apply, over real groups of a real tenant.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ScopeFilterTests(PostgresFixture postgres) : ApiTestBase(postgres)
{
    [Theory]
    [InlineData(PermissionScope.Own, new[] { "me" })]
    [InlineData(PermissionScope.Group, new[] { "me", "teammate" })]
    [InlineData(PermissionScope.All, new[] { "me", "teammate", "stranger" })]
    public async Task ScopeLimitsRowsToOwnGroupOrAll(PermissionScope scope, string[] expectedOwners)
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        var (teammate, _, _) = await tenant.AddUserAsync("agent", $"mate@{tenant.Slug}.test");
        var (stranger, _, _) = await tenant.AddUserAsync("agent", $"stranger@{tenant.Slug}.test");
        var (other, _, _) = await tenant.AddUserAsync("agent", $"third@{tenant.Slug}.test");
        await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/groups", new { name = "Mine", memberIds = new[] { tenant.UserId, teammate } }, HttpStatusCode.Created);
        await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/groups", new { name = "Theirs", memberIds = new[] { stranger, other } }, HttpStatusCode.Created);
        var owners = new Dictionary<Guid, string> { [tenant.UserId] = "me", [teammate] = "teammate", [stranger] = "stranger" };
        var caller = await CallerAsync(tenant, new Dictionary<string, PermissionScope> { [Permissions.LeadsRead] = scope });

        var visible = await VisibleOwnersAsync(caller, owners.Keys);
        var reached = owners.Keys.Where(owner => caller.Reaches(Permissions.LeadsRead, owner));

        Assert.Equal(expectedOwners.Order(), visible.Select(id => owners[id]).Order());
        Assert.Equal(expectedOwners.Order(), reached.Select(id => owners[id]).Order());
        Assert.Equal(scope == PermissionScope.All, caller.Reaches(Permissions.LeadsRead, null));
    }

    [Fact]
    public async Task WithoutThePermissionNothingIsVisible()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        var caller = await CallerAsync(tenant, new Dictionary<string, PermissionScope>());

        Assert.Empty(await VisibleOwnersAsync(caller, [tenant.UserId]));
        Assert.False(caller.Reaches(Permissions.LeadsRead, tenant.UserId));
    }

    /// <summary>The caller as the request pipeline builds it (groups and peers from the access resolver), with the grants under test.</summary>
    private async Task<Caller> CallerAsync(TenantSession tenant, Dictionary<string, PermissionScope> grants)
    {
        var access = await Api.Services.GetRequiredService<AccessResolver>().GetAsync(tenant.TenantId, tenant.UserId, Guid.Empty, CancellationToken.None);
        Assert.NotNull(access);
        return new Caller(tenant.TenantId, tenant.UserId, Guid.Empty, null, grants, access.GroupIds, access.Peers);
    }

    private async Task<List<Guid>> VisibleOwnersAsync(Caller caller, IEnumerable<Guid> owners)
    {
        var db = Api.Services.GetRequiredService<NpgsqlDataSource>();
        await using var batch = db.ForTenant(caller.TenantId);
        var command = batch.Add("");
        command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [.. owners] });
        command.CommandText = $"SELECT owner_id FROM unnest($1::uuid[]) AS record(owner_id) WHERE {ScopeFilter.Condition(caller, Permissions.LeadsRead, "record.owner_id", command)}";
        var visible = new List<Guid>();
        await using var reader = await batch.ReadAsync(CancellationToken.None);
        while (await reader.ReadAsync())
        {
            visible.Add(reader.GetGuid(0));
        }

        return visible;
    }
}
