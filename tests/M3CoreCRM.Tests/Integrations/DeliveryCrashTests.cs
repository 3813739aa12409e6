using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using M3CoreCRM.Testing;
using M3CoreCRM.Tests.Infrastructure;
using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using Request = WireMock.RequestBuilders.Request;
using WireMock.Server;
using WireMock.Types;
using WireMock.Util;

namespace M3CoreCRM.Tests.Integrations;

/// <summary>
/// The delivery outbox when its process dies with a message in flight: a real ApiHost process, killed with SIGKILL
/// after Infobip (faked by WireMock.Net) has the request and before the answer is recorded.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class DeliveryCrashTests(PostgresFixture postgres)
{
    private const string Mobile = "+971501234567";

    [Fact]
    public async Task AProcessKilledBetweenSendAndRecordLosesNothingAndResendsUnderTheSameMessageId()
    {
        var received = new ConcurrentQueue<string>();
        var firstArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var hungUp = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var infobip = WireMockServer.Start();
        infobip.Given(Request.Create().WithPath("/sms/2/text/advanced").UsingPost()).RespondWith(Response.Create().WithCallback(async request =>
        {
            received.Enqueue(MessageIdOf(request.Body!));
            if (firstArrived.TrySetResult())
            {
                // Infobip has the message; its answer never reaches the process, which dies waiting for it.
                await hungUp.Task.WaitAsync(TimeSpan.FromMinutes(2));
            }

            return Accepted(received.Last());
        }));

        var connection = await postgres.Server.CreateDatabaseAsync("deliverycrash");
        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings__Postgres"] = connection,
            ["Auth__SigningKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(48)),
            ["Integrations__Delivery__Lease"] = "00:00:03",
            ["Integrations__Delivery__PollInterval"] = "00:00:00.200",
            ["Integrations__Delivery__RetryDelay"] = "00:00:00.050",
            ["Integrations__Delivery__SendTimeout"] = "00:02:00",
        };

        Guid deliveryId;
        TenantSession tenant;
        await using (var first = await HostProcess.StartAsync("M3CoreCRM.ApiHost", settings))
        {
            using var http = new HttpClient { BaseAddress = first.Address };
            tenant = await TenantSession.SignUpAsync(http);
            await tenant.SendJsonAsync(HttpMethod.Patch, "/api/v1/me", new { mobile = Mobile }, HttpStatusCode.OK);
            await tenant.SendJsonAsync(HttpMethod.Put, "/api/v1/integrations/infobip",
                new { baseUrl = infobip.Url, apiKey = "ib-" + Guid.NewGuid().ToString("N"), smsSender = "M3CRM", webhookSecret = "hook-" + Guid.NewGuid().ToString("N") }, HttpStatusCode.OK);

            Assert.Equal(HttpStatusCode.Accepted, (await tenant.SendAsync(HttpMethod.Post, "/api/v1/auth/verify/mobile/request")).StatusCode);
            await firstArrived.Task.WaitAsync(TimeSpan.FromSeconds(60));
            var inFlight = Assert.Single((await tenant.GetJsonAsync("/api/v1/integrations/deliveries")).GetProperty("items").EnumerateArray());
            Assert.Equal("sending", inFlight.GetProperty("status").GetString());
            deliveryId = inFlight.GetProperty("id").GetGuid();

            await first.KillAsync();
        }

        hungUp.TrySetResult();
        await using var second = await HostProcess.StartAsync("M3CoreCRM.ApiHost", settings);
        using var secondHttp = new HttpClient { BaseAddress = second.Address };
        tenant = tenant with { Http = secondHttp };

        var sent = await Eventually.ReturnsAsync(
            async () => (await tenant.GetJsonAsync("/api/v1/integrations/deliveries")).GetProperty("items"),
            items => items.GetArrayLength() == 1 && items[0].GetProperty("status").GetString() == "sent",
            TimeSpan.FromSeconds(60));

        // Nothing lost: the one message was sent. Nothing doubled: both tries carried its delivery id as Infobip's
        // messageId, which Infobip's idempotent sending turns into one SMS.
        Assert.Equal(deliveryId, sent[0].GetProperty("id").GetGuid());
        Assert.Equal(2, sent[0].GetProperty("attempts").GetInt32());
        Assert.Equal(deliveryId.ToString("N"), sent[0].GetProperty("providerMessageId").GetString());
        Assert.Equal([deliveryId.ToString("N"), deliveryId.ToString("N")], received.ToArray());
    }

    private static ResponseMessage Accepted(string messageId)
    {
        var answer = new ResponseMessage
        {
            StatusCode = 200,
            BodyData = new BodyData
            {
                DetectedBodyType = BodyType.String,
                BodyAsString = $$$"""{"bulkId":"b1","messages":[{"messageId":"{{{messageId}}}","status":{"groupId":1,"groupName":"PENDING","name":"PENDING_ACCEPTED"}}]}""",
            },
        };
        answer.AddHeader("Content-Type", "application/json");
        return answer;
    }

    private static string MessageIdOf(string body)
    {
        using var document = JsonDocument.Parse(body);
        return document.RootElement.GetProperty("messages")[0].GetProperty("destinations")[0].GetProperty("messageId").GetString()!;
    }
}
