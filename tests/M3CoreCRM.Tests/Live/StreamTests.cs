using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using M3CoreCRM.Tests.Api;
using M3CoreCRM.Tests.Infrastructure;
using M3CoreCRM.Tests.Inventory;
using Npgsql;

namespace M3CoreCRM.Tests.Live;

[Collection(PostgresCollection.Name)]
public sealed class StreamTests(PostgresFixture postgres) : InventoryTestBase(postgres)
{
    protected override IReadOnlyDictionary<string, string>? Settings => new Dictionary<string, string>
    {
        ["Stream:HeartbeatInterval"] = "00:00:00.200",
    };

    [Fact]
    public async Task ResumingWithLastEventIdDeliversExactlyTheEventsMissed()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        var projectId = await tenant.ProjectAsync();

        var first = await EventStreamClient.OpenAsync(tenant);
        await RenameAsync(tenant, projectId, 3);
        var seen = await first.TakeAsync(3);
        Assert.All(seen, e => Assert.Equal("project.updated", e.Type));
        await first.DisposeAsync();

        await RenameAsync(tenant, projectId, 4, from: 3);
        await using var resumed = await EventStreamClient.OpenAsync(tenant, lastEventId: seen[^1].Id);
        var missed = await resumed.TakeAsync(4);
        Assert.Equal(Enumerable.Range(1, 4).Select(i => seen[^1].Id + i), missed.Select(e => e.Id));
        Assert.Equal(["Project 3", "Project 4", "Project 5", "Project 6"], missed.Select(e => e.Data.GetProperty("data").GetProperty("name").GetString()));

        // Nothing repeats after the catch-up: the next live event follows directly.
        await RenameAsync(tenant, projectId, 1, from: 7);
        Assert.Equal(missed[^1].Id + 1, (await resumed.NextAsync()).Id);
    }

    [Fact]
    public async Task AStreamWithoutLastEventIdStartsAtThePresent()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        var projectId = await tenant.ProjectAsync();
        await RenameAsync(tenant, projectId, 2);

        await using var stream = await EventStreamClient.OpenAsync(tenant);
        await RenameAsync(tenant, projectId, 1, from: 2);
        var next = await stream.NextAsync();
        Assert.Equal("Project 2", next.Data.GetProperty("data").GetProperty("name").GetString());
        Assert.Equal(projectId, next.EntityId);
    }

    [Fact]
    public async Task ALastEventIdPastTheTenantsLatestEventStartsAtThePresent()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        var projectId = await tenant.ProjectAsync();
        await using var stream = await EventStreamClient.OpenAsync(tenant, lastEventId: 1_000_000);
        await RenameAsync(tenant, projectId, 1);
        Assert.Equal(projectId, (await stream.NextAsync()).EntityId);
    }

    [Fact]
    public async Task AClientResumesOnAnotherApiHostAndAfterARestart()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        var projectId = await tenant.ProjectAsync();
        var stream = await EventStreamClient.OpenAsync(tenant);
        await RenameAsync(tenant, projectId, 2);
        var last = (await stream.TakeAsync(2))[^1].Id;
        await stream.DisposeAsync();
        await RenameAsync(tenant, projectId, 3, from: 2);

        // A second ApiHost on the same database has never seen this client.
        await using (var other = new ApiFactory(ConnectionString))
        {
            using var otherHttp = other.CreateClient();
            await using var elsewhere = await EventStreamClient.OpenAsync(tenant, lastEventId: last, http: otherHttp);
            Assert.Equal([last + 1, last + 2, last + 3], (await elsewhere.TakeAsync(3)).Select(e => e.Id));
        }

        await RestartAsync();
        var session = tenant with { Http = Http };
        await RenameAsync(session, projectId, 1, from: 5);
        await using var afterRestart = await EventStreamClient.OpenAsync(session, lastEventId: last + 3);
        var next = await afterRestart.NextAsync();
        Assert.Equal(last + 4, next.Id);
        Assert.Equal("Project 5", next.Data.GetProperty("data").GetProperty("name").GetString());
    }

    [Fact]
    public async Task EventsWrittenConcurrentlyByManyGrainsArriveInSequenceWithoutGaps()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        var projectId = await tenant.ProjectAsync();
        await tenant.UnitTypeAsync();
        var units = new List<Guid>();
        for (var i = 0; i < 40; i++)
        {
            units.Add(await tenant.UnitAsync(projectId, $"U-{i:D2}"));
        }

        var dealId = await tenant.DealIdAsync();
        await using var stream = await EventStreamClient.OpenAsync(tenant);
        var holds = units.Select(unitId => tenant.SendAsync(HttpMethod.Post, $"/api/v1/units/{unitId}/hold", new { dealId, holdMinutes = 30 }));
        Assert.All(await Task.WhenAll(holds), response => Assert.Equal(HttpStatusCode.OK, response.StatusCode));

        var events = await stream.TakeAsync(40);
        Assert.Equal(Enumerable.Range(0, 40).Select(i => events[0].Id + i), events.Select(e => e.Id));
        Assert.All(events, e => Assert.Equal("unit.status_changed", e.Type));
        Assert.Equal(units.Order(), events.Select(e => e.EntityId).Order());
    }

    [Fact]
    public async Task EventsOnRecordsTheCallerMayNotReadAreNotSent()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        var projectId = await tenant.ProjectAsync();
        var role = await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/roles",
            new { name = "Lead reader", grants = new[] { new { permission = "leads.read", scope = "own" } } }, HttpStatusCode.Created);
        var created = await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/users",
            new { name = "Lena", email = "lena@example.test", roleIds = new[] { role.GetProperty("id").GetGuid() }, groupIds = Array.Empty<Guid>(), password = "another long passphrase" },
            HttpStatusCode.Created);
        var lenaId = created.GetProperty("id").GetGuid();
        var (lenaToken, _) = await tenant.LoginAsync("lena@example.test", "another long passphrase");
        var otherTenant = await TenantSession.SignUpAsync(Http);

        await using var owner = await EventStreamClient.OpenAsync(tenant);
        await using var lena = await EventStreamClient.OpenAsync(tenant, token: lenaToken);
        await using var outsider = await EventStreamClient.OpenAsync(otherTenant);

        // A project change (inventory.read, which Lena lacks), then a change to Lena herself, which she may see.
        await RenameAsync(tenant, projectId, 1);
        await tenant.SendJsonAsync(HttpMethod.Patch, $"/api/v1/users/{lenaId}", new { name = "Lena Lead" }, HttpStatusCode.OK);
        var otherProject = await otherTenant.ProjectAsync("OTHER");

        var ownerSaw = await owner.TakeAsync(2);
        Assert.Equal(["project.updated", "user.updated"], ownerSaw.Select(e => e.Type));
        var lenaSaw = await lena.NextAsync();
        Assert.Equal("user.updated", lenaSaw.Type);
        Assert.Equal(ownerSaw[1].Id, lenaSaw.Id);
        var outsiderSaw = await outsider.NextAsync();
        Assert.Equal(otherProject, outsiderSaw.EntityId);
    }

    [Fact]
    public async Task ATicketOpensTheStreamOnceWithoutHeaders()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        var projectId = await tenant.ProjectAsync();
        var issued = await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/stream/ticket", null, HttpStatusCode.OK);
        var ticket = issued.GetProperty("ticket").GetString()!;
        Assert.InRange(issued.GetProperty("expiresAt").GetDateTime(), DateTime.UtcNow, DateTime.UtcNow.AddSeconds(61));

        await using (var browser = await EventStreamClient.OpenAsync(Http, new HttpRequestMessage(HttpMethod.Get, $"/api/v1/stream?ticket={ticket}")))
        {
            await RenameAsync(tenant, projectId, 1);
            Assert.Equal(projectId, (await browser.NextAsync()).EntityId);
        }

        var again = await Http.GetAsync($"/api/v1/stream?ticket={ticket}");
        await ErrorFormatTests.AssertProblemAsync(again, HttpStatusCode.Unauthorized, "unauthenticated");

        var late = (await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/stream/ticket", null, HttpStatusCode.OK)).GetProperty("ticket").GetString()!;
        await ExpireTicketsAsync();
        await ErrorFormatTests.AssertProblemAsync(await Http.GetAsync($"/api/v1/stream?ticket={late}"), HttpStatusCode.Unauthorized, "unauthenticated");
        await ErrorFormatTests.AssertProblemAsync(await Http.GetAsync("/api/v1/stream?ticket=made-up"), HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task AStreamOpenedAtItsTicketsPositionBringsWhatChangedBeforeItOpened()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        var projectId = await tenant.ProjectAsync();
        // A stream opened at the present has the relay number what committed so far: the project's creation.
        await (await EventStreamClient.OpenAsync(tenant)).DisposeAsync();
        var issued = await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/stream/ticket", null, HttpStatusCode.OK);
        var position = long.Parse(issued.GetProperty("position").GetString()!, CultureInfo.InvariantCulture);
        Assert.True(position > 0, "The tenant's project was created before the ticket: its event has a position.");

        // A change between the ticket and the stream: a page that read before it is told by the stream.
        await RenameAsync(tenant, projectId, 1);
        var ticket = issued.GetProperty("ticket").GetString()!;
        await using var browser = await EventStreamClient.OpenAsync(Http, new HttpRequestMessage(HttpMethod.Get, $"/api/v1/stream?ticket={ticket}&lastEventId={position}"));
        var first = await browser.NextAsync();
        Assert.Equal(projectId, first.EntityId);
        Assert.Equal("project.updated", first.Type);
        Assert.Equal(position + 1, first.Id);
    }

    [Fact]
    public async Task ATicketNeitherMintsAnotherTicketNorOutlivesItsLogin()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        var ticket = (await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/stream/ticket", null, HttpStatusCode.OK)).GetProperty("ticket").GetString()!;
        await ErrorFormatTests.AssertProblemAsync(await Http.PostAsync(new Uri($"/api/v1/stream/ticket?ticket={ticket}", UriKind.Relative), null), HttpStatusCode.Unauthorized, "unauthenticated");

        await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/auth/logout", new { refreshToken = tenant.RefreshToken }, HttpStatusCode.NoContent);
        await ErrorFormatTests.AssertProblemAsync(await Http.GetAsync($"/api/v1/stream?ticket={ticket}"), HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task AStreamSendsHeartbeatsAndEndsWhenTheUserIsDisabled()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        var (agentId, agentToken, _) = await tenant.AddUserAsync("agent", "agent@example.test");
        await using var stream = await EventStreamClient.OpenAsync(tenant, token: agentToken);
        await Eventually.TrueAsync(() => stream.Heartbeats >= 2);
        Assert.False(stream.Ended.IsCompleted);

        await tenant.SendJsonAsync(HttpMethod.Delete, $"/api/v1/users/{agentId}", null, HttpStatusCode.NoContent);
        await stream.Ended.WaitAsync(TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task EverySubscriberOfATenantIsFedFromTheLiveStreamWithoutAListenConnection()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        var other = await TenantSession.SignUpAsync(Http);
        var projectId = await tenant.ProjectAsync();
        var streams = new List<EventStreamClient>();
        for (var i = 0; i < 5; i++)
        {
            streams.Add(await EventStreamClient.OpenAsync(i % 2 == 0 ? tenant : other));
        }

        await RenameAsync(tenant, projectId, 1);

        foreach (var stream in streams.Where((_, i) => i % 2 == 0))
        {
            Assert.Equal(projectId, (await stream.NextAsync()).EntityId);
        }

        // The LISTEN/NOTIFY path is gone: events reach hosts through Orleans streams.
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND query ILIKE 'LISTEN%'", connection);
        Assert.Equal(0L, await count.ExecuteScalarAsync());
        foreach (var stream in streams)
        {
            await stream.DisposeAsync();
        }
    }

    [Fact]
    public async Task ABadLastEventIdIsAValidationProblem()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        var request = tenant.Request(HttpMethod.Get, "/api/v1/stream");
        request.Headers.Add("Last-Event-ID", "yesterday");
        var problem = await ErrorFormatTests.AssertProblemAsync(await Http.SendAsync(request), HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty("lastEventId", out _));

        await ErrorFormatTests.AssertProblemAsync(await Http.GetAsync("/api/v1/stream"), HttpStatusCode.Unauthorized, "unauthenticated");
    }

    internal static async Task RenameAsync(TenantSession tenant, Guid projectId, int times, int from = 0)
    {
        for (var i = from; i < from + times; i++)
        {
            await tenant.SendJsonAsync(HttpMethod.Patch, $"/api/v1/projects/{projectId}", new { name = $"Project {i}" }, HttpStatusCode.OK);
        }
    }

    private Task<int> ExpireTicketsAsync() => ExecuteAsSystemAsync("UPDATE stream_tickets SET expires_at = now() - interval '1 second'");
}
