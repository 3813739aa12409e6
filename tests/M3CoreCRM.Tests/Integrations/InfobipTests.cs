using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using M3CoreCRM.Grains.Notifications;
using M3CoreCRM.Tests.Api;
using M3CoreCRM.Tests.Infrastructure;
using M3CoreCRM.Tests.Leads;
using Microsoft.Extensions.DependencyInjection;
using WireMock.RequestBuilders;
using Request = WireMock.RequestBuilders.Request;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace M3CoreCRM.Tests.Integrations;

/// <summary>Infobip's HTTP API faked by WireMock.Net, speaking its protocol: SMS, WhatsApp, and its webhooks.</summary>
[Collection(PostgresCollection.Name)]
public sealed class InfobipTests(PostgresFixture postgres) : IntegrationTestBase(postgres)
{
    private const string Mobile = "+971501234567";
    private readonly string _apiKey = "ib-" + Guid.NewGuid().ToString("N");
    private readonly string _webhookSecret = "hook-" + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task AVerificationSmsGoesToInfobipWithTheAppKeyAndTheDeliveryIdAsItsMessageId()
    {
        using var infobip = WireMockServer.Start();
        infobip.Given(Request.Create().WithPath("/sms/2/text/advanced").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody("""{"bulkId":"b1","messages":[{"messageId":"m","status":{"groupId":1,"groupName":"PENDING","name":"PENDING_ACCEPTED"}}]}"""));
        infobip.Given(Request.Create().WithPath("/whatsapp/1/message/text").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody("""{"to":"971501234567","messageCount":1,"messageId":"w","status":{"groupId":1,"groupName":"PENDING","name":"PENDING_ENROUTE"}}"""));
        var tenant = await ConfiguredTenantAsync(infobip.Url!);

        Assert.Equal(HttpStatusCode.Accepted, (await tenant.SendAsync(HttpMethod.Post, "/api/v1/auth/verify/mobile/request")).StatusCode);

        var request = await Eventually.ReturnsAsync(() => Task.FromResult(infobip.LogEntries.FirstOrDefault(e => e.RequestMessage.Path == "/sms/2/text/advanced")), e => e is not null);
        Assert.Equal($"App {_apiKey}", request!.RequestMessage.Headers!["Authorization"].Single());
        using var body = JsonDocument.Parse(request.RequestMessage.Body!);
        var sms = body.RootElement.GetProperty("messages")[0];
        Assert.Equal("M3CRM", sms.GetProperty("from").GetString());
        var destination = sms.GetProperty("destinations")[0];
        Assert.Equal("971501234567", destination.GetProperty("to").GetString());
        var code = sms.GetProperty("text").GetString()!.Split("code: ")[1][..6];
        Assert.Equal(HttpStatusCode.OK, (await tenant.SendAsync(HttpMethod.Post, "/api/v1/auth/verify/mobile/confirm", new { code })).StatusCode);

        var sent = await Eventually.ReturnsAsync(
            async () => (await tenant.GetJsonAsync("/api/v1/integrations/deliveries?status=sent&channel=sms")).GetProperty("items"), items => items.GetArrayLength() == 1);
        Assert.Equal(sent[0].GetProperty("id").GetGuid().ToString("N"), destination.GetProperty("messageId").GetString());
        Assert.Equal(destination.GetProperty("messageId").GetString(), sent[0].GetProperty("providerMessageId").GetString());
        Assert.DoesNotContain(Api.Services.GetRequiredService<DevelopmentOutbox>().Sent, m => m.To == Mobile);

        // The test message goes out at once and answers what Infobip said.
        var test = await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/integrations/infobip/test", new { channel = "whatsapp" }, HttpStatusCode.OK);
        Assert.True(test.GetProperty("delivered").GetBoolean());
        Assert.Equal(Mobile, test.GetProperty("to").GetString());
        var whatsapp = Assert.Single(infobip.LogEntries, e => e.RequestMessage.Path == "/whatsapp/1/message/text");
        using var whatsappBody = JsonDocument.Parse(whatsapp.RequestMessage.Body!);
        Assert.Equal("447860099299", whatsappBody.RootElement.GetProperty("from").GetString());
        Assert.Contains("test message", whatsappBody.RootElement.GetProperty("content").GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Logs.Lines, line => line.Contains(_apiKey, StringComparison.Ordinal) || line.Contains(_webhookSecret, StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnInfobipThatIsDownIsRetriedThenFailedAndAResendAfterACrashKeepsTheMessageId()
    {
        using var infobip = WireMockServer.Start();
        infobip.Given(Request.Create().WithPath("/sms/2/text/advanced").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(503).WithBody("""{"requestError":{"serviceException":{"messageId":"UNAVAILABLE","text":"Service down for maintenance"}}}"""));
        var tenant = await ConfiguredTenantAsync(infobip.Url!);

        Assert.Equal(HttpStatusCode.Accepted, (await tenant.SendAsync(HttpMethod.Post, "/api/v1/auth/verify/mobile/request")).StatusCode);

        var failed = await Eventually.ReturnsAsync(
            async () => (await tenant.GetJsonAsync("/api/v1/integrations/deliveries?status=failed")).GetProperty("items"), items => items.GetArrayLength() == 1);
        Assert.Equal(MaxAttempts, failed[0].GetProperty("attempts").GetInt32());
        Assert.Equal("Infobip answered 503: Service down for maintenance", failed[0].GetProperty("lastError").GetString());
        var tries = infobip.LogEntries.Where(e => e.RequestMessage.Path == "/sms/2/text/advanced").Select(e => MessageIdOf(e.RequestMessage.Body!)).ToList();
        Assert.Equal(MaxAttempts, tries.Count);
        var id = failed[0].GetProperty("id").GetGuid();
        Assert.All(tries, messageId => Assert.Equal(id.ToString("N"), messageId));

        // A worker that died after marking the message 'sending' (its lease now over): the next one sends it again, as the same Infobip message.
        infobip.Reset();
        infobip.Given(Request.Create().WithPath("/sms/2/text/advanced").UsingPost()).RespondWith(Response.Create().WithStatusCode(200).WithBody("{}"));
        await QueryAsSystemAsync("UPDATE deliveries SET status = 'sending', attempts = 1, next_attempt_at = clock_timestamp() WHERE id = $1 RETURNING id", r => r.GetGuid(0), id);
        await Eventually.ReturnsAsync(
            async () => (await tenant.GetJsonAsync("/api/v1/integrations/deliveries?status=sent")).GetProperty("items").GetArrayLength(), count => count == 1);
        var resent = Assert.Single(infobip.LogEntries);
        Assert.Equal(id.ToString("N"), MessageIdOf(resent.RequestMessage.Body!));
    }

    [Fact]
    public async Task SignedWebhooksUpdateDeliveriesAndLogInboundMessagesOnTheLeadAndBadSignaturesChangeNothing()
    {
        using var infobip = WireMockServer.Start();
        infobip.Given(Request.Create().WithPath("/sms/2/text/advanced").UsingPost()).RespondWith(Response.Create().WithStatusCode(200).WithBody("{}"));
        var tenant = await ConfiguredTenantAsync(infobip.Url!);
        var lead = await tenant.LeadAsync();
        var leadId = lead.GetProperty("id").GetGuid();
        var leadPhone = lead.GetProperty("phone").GetString()!;

        Assert.Equal(HttpStatusCode.Accepted, (await tenant.SendAsync(HttpMethod.Post, "/api/v1/auth/verify/mobile/request")).StatusCode);
        var sent = await Eventually.ReturnsAsync(
            async () => (await tenant.GetJsonAsync("/api/v1/integrations/deliveries?status=sent")).GetProperty("items"), items => items.GetArrayLength() == 1);
        var messageId = sent[0].GetProperty("providerMessageId").GetString()!;

        var report = JsonSerializer.Serialize(new
        {
            results = new[] { new { messageId, to = "971501234567", status = new { groupName = "UNDELIVERABLE", name = "UNDELIVERABLE_NOT_DELIVERED" }, error = new { name = "EC_ABSENT_SUBSCRIBER" } } },
        });
        var inbound = JsonSerializer.Serialize(new
        {
            results = new[] { new { messageId = "in-1", from = leadPhone.TrimStart('+'), to = "M3CRM", text = "Is the 2-bed still available?", receivedAt = DateTime.UtcNow } },
        });

        // Unsigned, wrongly signed, signed with another secret, or for a tenant without a secret: 400 and nothing changes.
        await ErrorFormatTests.AssertProblemAsync(await PostWebhookAsync(tenant.Slug, report, null), HttpStatusCode.BadRequest, "invalid_signature");
        await ErrorFormatTests.AssertProblemAsync(await PostWebhookAsync(tenant.Slug, report, "sha256=00ff"), HttpStatusCode.BadRequest, "invalid_signature");
        await ErrorFormatTests.AssertProblemAsync(await PostWebhookAsync(tenant.Slug, report, Sign(report, "another secret of enough length")), HttpStatusCode.BadRequest, "invalid_signature");
        await ErrorFormatTests.AssertProblemAsync(await PostWebhookAsync(tenant.Slug, inbound, Sign(report, _webhookSecret)), HttpStatusCode.BadRequest, "invalid_signature");
        var other = await TenantSession.SignUpAsync(Http);
        await ErrorFormatTests.AssertProblemAsync(await PostWebhookAsync(other.Slug, report, Sign(report, _webhookSecret)), HttpStatusCode.BadRequest, "invalid_signature");
        Assert.Equal(1, (await tenant.GetJsonAsync("/api/v1/integrations/deliveries?status=sent")).GetProperty("items").GetArrayLength());
        Assert.DoesNotContain((await tenant.GetJsonAsync($"/api/v1/activities?subjectId={leadId}")).GetProperty("items").EnumerateArray(), a => a.GetProperty("type").GetString() == "sms");

        var reported = await PostWebhookAsync(tenant.Slug, report, Sign(report, _webhookSecret));
        Assert.Equal(HttpStatusCode.OK, reported.StatusCode);
        var failed = Assert.Single((await tenant.GetJsonAsync("/api/v1/integrations/deliveries?status=failed")).GetProperty("items").EnumerateArray());
        Assert.Equal("UNDELIVERABLE: UNDELIVERABLE_NOT_DELIVERED", failed.GetProperty("providerStatus").GetString());

        // An inbound SMS from the lead's phone is an sms activity on the lead, once, however often Infobip calls.
        for (var i = 0; i < 2; i++)
        {
            var answer = await PostWebhookAsync(tenant.TenantId.ToString(), inbound, Sign(inbound, _webhookSecret));
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        }

        var activity = Assert.Single((await tenant.GetJsonAsync($"/api/v1/activities?subjectId={leadId}")).GetProperty("items").EnumerateArray(), a => a.GetProperty("type").GetString() == "sms");
        Assert.Equal("Is the 2-bed still available?", activity.GetProperty("body").GetString());
        Assert.Equal("inbound", activity.GetProperty("outcome").GetString());

        // A body that is not Infobip's is a 400 too, never a 500.
        await ErrorFormatTests.AssertProblemAsync(await PostWebhookAsync(tenant.Slug, "[1,2", Sign("[1,2", _webhookSecret)), HttpStatusCode.BadRequest, "validation_failed");
    }

    private async Task<TenantSession> ConfiguredTenantAsync(string baseUrl)
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        await tenant.SendJsonAsync(HttpMethod.Patch, "/api/v1/me", new { mobile = Mobile }, HttpStatusCode.OK);
        await tenant.SendJsonAsync(HttpMethod.Put, "/api/v1/integrations/infobip",
            new { baseUrl, apiKey = _apiKey, smsSender = "M3CRM", whatsappSender = "447860099299", webhookSecret = _webhookSecret }, HttpStatusCode.OK);
        return tenant;
    }

    private async Task<HttpResponseMessage> PostWebhookAsync(string tenant, string body, string? signature)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/webhooks/infobip") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Tenant-Id", tenant);
        if (signature is not null)
        {
            request.Headers.Add("X-M3-Signature", signature);
        }

        return await Http.SendAsync(request);
    }

    private static string Sign(string body, string secret) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(body)));

    private static string MessageIdOf(string body)
    {
        using var document = JsonDocument.Parse(body);
        return document.RootElement.GetProperty("messages")[0].GetProperty("destinations")[0].GetProperty("messageId").GetString()!;
    }
}
