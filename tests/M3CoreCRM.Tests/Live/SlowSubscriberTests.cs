using System.Net.Sockets;
using System.Text;
using M3CoreCRM.ApiHost.Stream;
using M3CoreCRM.Tests.Infrastructure;
using M3CoreCRM.Tests.Inventory;
using Microsoft.Extensions.DependencyInjection;

namespace M3CoreCRM.Tests.Live;

/// <summary>Subscribers with a queue of 8 events: a burst overflows it, a stalled client is disconnected after a second.</summary>
[Collection(PostgresCollection.Name)]
public sealed class SlowSubscriberTests(PostgresFixture postgres) : InventoryTestBase(postgres)
{
    protected override IReadOnlyDictionary<string, string>? Settings => new Dictionary<string, string>
    {
        ["Stream:SubscriberBuffer"] = "8",
        ["Stream:StallTimeout"] = "00:00:01",
        ["RateLimits:TenantPerSecond"] = "100000",
    };

    [Fact]
    public async Task ABurstLargerThanTheQueueReachesEverySubscriberWithNoneCutOff()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        var projects = await ProjectsAsync(tenant, 20);
        var hub = Api.Services.GetRequiredService<StreamHub>();
        await using var first = await EventStreamClient.OpenAsync(tenant);
        await using var second = await EventStreamClient.OpenAsync(tenant);

        // 200 events committed as fast as 20 writers can: the feed offers them faster than any client takes 8 at a time.
        await Task.WhenAll(projects.Select(async (id, i) =>
        {
            for (var round = 0; round < 10; round++)
            {
                await tenant.SendJsonAsync(HttpMethod.Patch, $"/api/v1/projects/{id}", new { name = $"Round {round} of {i}" }, System.Net.HttpStatusCode.OK);
            }
        }));

        foreach (var stream in new[] { first, second })
        {
            var received = await stream.TakeAsync(200);
            Assert.Equal(Enumerable.Range(0, 200).Select(i => received[0].Id + i), received.Select(e => e.Id));
        }

        Assert.True(hub.DropCount > 0, "The burst never overflowed a queue, so this test showed nothing.");
        Assert.Equal(0, hub.CutOffCount);
        Assert.Equal(2, hub.SubscriberCount);
    }

    [Fact]
    public async Task AStalledSubscriberIsCutOffWhileOthersKeepReceivingEverything()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        var projects = await ProjectsAsync(tenant, 8);
        var hub = Api.Services.GetRequiredService<StreamHub>();
        using var stalled = await OpenWithoutReadingAsync(tenant);
        await using var healthy = await EventStreamClient.OpenAsync(tenant);
        Assert.Equal(2, hub.SubscriberCount);

        // Write until the stalled subscriber's writes have been stuck for the stall timeout with its queue full.
        var written = 0;
        while (hub.CutOffCount == 0)
        {
            Assert.True(written < 40_000, "The stalled subscriber was never cut off.");
            await Task.WhenAll(projects.Select((id, i) => tenant.SendJsonAsync(HttpMethod.Patch, $"/api/v1/projects/{id}", new { name = $"Round {written + i}" }, System.Net.HttpStatusCode.OK)));
            written += projects.Count;
        }

        await Eventually.TrueAsync(() => hub.SubscriberCount == 1);
        Assert.Equal(1, hub.CutOffCount);

        // The stalled client finds its connection closed once it reads again.
        var drained = await DrainAsync(stalled).WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Contains("id: ", drained, StringComparison.Ordinal);

        var received = await healthy.TakeAsync(written);
        Assert.Equal(Enumerable.Range(0, written).Select(i => received[0].Id + i), received.Select(e => e.Id));
        await tenant.SendJsonAsync(HttpMethod.Patch, $"/api/v1/projects/{projects[0]}", new { name = "Last" }, System.Net.HttpStatusCode.OK);
        Assert.Equal(received[^1].Id + 1, (await healthy.NextAsync()).Id);
    }

    private static async Task<List<Guid>> ProjectsAsync(TenantSession tenant, int count)
    {
        var projects = new List<Guid>();
        for (var i = 0; i < count; i++)
        {
            projects.Add(await tenant.ProjectAsync($"P{i}"));
        }

        return projects;
    }

    /// <summary>Opens the stream on a raw socket with a small receive window and reads only up to the first comment.</summary>
    private async Task<Socket> OpenWithoutReadingAsync(TenantSession tenant)
    {
        var address = Http.BaseAddress!;
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
        await socket.ConnectAsync(address.Host, address.Port);
        var request = $"GET /api/v1/stream HTTP/1.1\r\nHost: {address.Authority}\r\nAuthorization: Bearer {tenant.AccessToken}\r\nX-Tenant-Id: {tenant.Slug}\r\nAccept: text/event-stream\r\n\r\n";
        await socket.SendAsync(Encoding.ASCII.GetBytes(request));
        var seen = new StringBuilder();
        var buffer = new byte[256];
        while (!seen.ToString().Contains(": connected", StringComparison.Ordinal))
        {
            var read = await socket.ReceiveAsync(buffer);
            Assert.True(read > 0, "The stream closed before it was connected: " + seen);
            seen.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        Assert.StartsWith("HTTP/1.1 200", seen.ToString(), StringComparison.Ordinal);
        return socket;
    }

    private static async Task<string> DrainAsync(Socket socket)
    {
        var text = new StringBuilder();
        var buffer = new byte[64 * 1024];
        try
        {
            int read;
            while ((read = await socket.ReceiveAsync(buffer)) > 0)
            {
                text.Append(Encoding.UTF8.GetString(buffer, 0, read));
            }
        }
        catch (SocketException)
        {
            // Reset by the server: closed all the same.
        }

        return text.ToString();
    }
}
