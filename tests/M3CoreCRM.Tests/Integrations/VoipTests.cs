using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using M3CoreCRM.Tests.Api;
using M3CoreCRM.Tests.Infrastructure;
using M3CoreCRM.Tests.Leads;
using Microsoft.AspNetCore.WebUtilities;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using Request = WireMock.RequestBuilders.Request;

namespace M3CoreCRM.Tests.Integrations;

/// <summary>Twilio's Voice API faked by WireMock.Net, speaking its protocol: click-to-call, and its signed status callbacks.</summary>
[Collection(PostgresCollection.Name)]
public sealed class VoipTests(PostgresFixture postgres) : IntegrationTestBase(postgres)
{
    private const string AgentNumber = "+971501112233";
    private const string FromNumber = "+97145550000";
    private const string CallSid = "CA0123456789abcdef0123456789abcdef";
    private readonly string _accountSid = "AC" + Guid.NewGuid().ToString("N");
    private readonly string _authToken = "tw-" + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task ClickToCallRingsTheAgentThroughTwilioAndSignedCallbacksRecordTheCallAndLogItOnce()
    {
        using var twilio = TwilioAnswering(201, $$"""{"sid":"{{CallSid}}","status":"queued","direction":"outbound-api"}""");
        var responses = new List<string>();
        var tenant = await TenantSession.SignUpAsync(Http);
        responses.Add((await ConfigureAsync(tenant, twilio.Url!, new { userId = tenant.UserId, number = AgentNumber })).ToString());
        var lead = await tenant.LeadAsync();
        var leadId = lead.GetProperty("id").GetGuid();
        var leadPhone = lead.GetProperty("phone").GetString()!;

        var started = await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/calls/click-to-call", new { leadId }, HttpStatusCode.Accepted);
        responses.Add(started.ToString());
        var callId = started.GetProperty("callId").GetGuid();
        Assert.Equal("queued", started.GetProperty("status").GetString());
        Assert.Equal(CallSid, started.GetProperty("providerCallId").GetString());

        // Twilio is asked, with Basic auth, to ring the agent from the tenant's number and then dial the lead.
        var request = Assert.Single(twilio.LogEntries).RequestMessage;
        Assert.Equal($"/2010-04-01/Accounts/{_accountSid}/Calls.json", request.Path);
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{_accountSid}:{_authToken}")), request.Headers!["Authorization"].Single());
        var form = QueryHelpers.ParseQuery(request.Body!);
        Assert.Equal(AgentNumber, form["To"].Single());
        Assert.Equal(FromNumber, form["From"].Single());
        Assert.Equal($"<Response><Dial callerId=\"{FromNumber}\"><Number>{leadPhone}</Number></Dial></Response>", form["Twiml"].Single());
        Assert.Equal("initiated ringing answered completed", string.Join(' ', form["StatusCallbackEvent"].ToArray()));
        Assert.Equal("true", form["Record"].Single());
        Assert.Equal(form["StatusCallback"].Single(), form["RecordingStatusCallback"].Single());
        Assert.Equal("completed", form["RecordingStatusCallbackEvent"].Single());
        var callback = new Uri(form["StatusCallback"].Single()!);
        Assert.Equal("/api/v1/webhooks/voip/twilio", callback.AbsolutePath);
        var query = QueryHelpers.ParseQuery(callback.Query);
        Assert.Equal(tenant.TenantId.ToString(), query["tenant"].Single());
        Assert.Equal(callId.ToString(), query["call"].Single());
        Assert.Equal("queued", await StatusAsync(callId));

        // Unsigned, wrongly signed, signed with another token, or signed for other fields: 400 and nothing changes.
        var ringing = Fields(("CallStatus", "ringing"));
        await ErrorFormatTests.AssertProblemAsync(await CallbackAsync(callback, ringing, null), HttpStatusCode.BadRequest, "invalid_signature");
        await ErrorFormatTests.AssertProblemAsync(await CallbackAsync(callback, ringing, "bm90IGEgc2lnbmF0dXJl"), HttpStatusCode.BadRequest, "invalid_signature");
        await ErrorFormatTests.AssertProblemAsync(await CallbackAsync(callback, ringing, Sign("another token", callback, ringing)), HttpStatusCode.BadRequest, "invalid_signature");
        var completed = Fields(("CallStatus", "completed"), ("CallDuration", "42"));
        await ErrorFormatTests.AssertProblemAsync(await CallbackAsync(callback, completed, Sign(_authToken, callback, ringing)), HttpStatusCode.BadRequest, "invalid_signature");
        Assert.Equal("queued", await StatusAsync(callId));
        Assert.Empty(await CallActivitiesAsync(tenant, leadId));

        // Signed callbacks move the call on: ringing, answered (in progress), completed with its duration and recording.
        Assert.Equal("ringing", (await SignedCallbackAsync(callback, ringing)).GetProperty("status").GetString());
        Assert.Equal("in_progress", (await SignedCallbackAsync(callback, Fields(("CallStatus", "in-progress")))).GetProperty("status").GetString());
        Assert.Empty(await CallActivitiesAsync(tenant, leadId));

        // The recording's own callback adds its link and changes no status.
        var recorded = Fields(("RecordingStatus", "completed"), ("RecordingSid", "RE1"), ("RecordingDuration", "40"),
            ("RecordingUrl", "https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE1"));
        recorded.Remove("To");
        Assert.Equal("in_progress", (await SignedCallbackAsync(callback, recorded)).GetProperty("status").GetString());
        Assert.Empty(await CallActivitiesAsync(tenant, leadId));
        var ended = await SignedCallbackAsync(callback, completed);
        Assert.Equal("completed", ended.GetProperty("status").GetString());
        var activityId = ended.GetProperty("activityId").GetGuid();

        // Replayed, and a late ringing after it: the call stays completed and is logged once.
        var replayed = await SignedCallbackAsync(callback, completed);
        Assert.Equal(activityId, replayed.GetProperty("activityId").GetGuid());
        Assert.Equal("completed", (await SignedCallbackAsync(callback, ringing)).GetProperty("status").GetString());
        var row = Assert.Single(await QueryAsSystemAsync(
            "SELECT status, duration_seconds, recording_url, provider_call_id, activity_id FROM voip_calls",
            r => (Status: r.GetString(0), Duration: r.GetInt32(1), Recording: r.GetString(2), Sid: r.GetString(3), Activity: r.GetGuid(4))));
        Assert.Equal(("completed", 42, "https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE1", CallSid, activityId), row);

        var activity = Assert.Single(await CallActivitiesAsync(tenant, leadId));
        Assert.Equal(activityId, activity.GetProperty("id").GetGuid());
        Assert.Equal(42, activity.GetProperty("durationSeconds").GetInt32());
        Assert.Equal("answered", activity.GetProperty("outcome").GetString());
        Assert.Equal(tenant.UserId, activity.GetProperty("ownerId").GetGuid());
        Assert.Contains("https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE1", activity.GetProperty("body").GetString(), StringComparison.Ordinal);

        // It counts for the agent on the leaderboard.
        var agents = (await tenant.GetJsonAsync("/api/v1/reports/agents")).GetProperty("rows").EnumerateArray().ToDictionary(r => r.GetProperty("agentId").GetGuid());
        Assert.Equal(1, agents[tenant.UserId].GetProperty("calls").GetInt32());
        Assert.Equal(1, agents[tenant.UserId].GetProperty("answered").GetInt32());

        // The test call rings the caller's own number and only speaks to them.
        var test = await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/integrations/voip/test", null, HttpStatusCode.OK);
        responses.Add(test.ToString());
        Assert.True(test.GetProperty("delivered").GetBoolean());
        Assert.Equal(AgentNumber, test.GetProperty("to").GetString());
        Assert.Equal(CallSid, test.GetProperty("providerMessageId").GetString());
        var testCall = QueryHelpers.ParseQuery(twilio.LogEntries[^1].RequestMessage.Body!);
        Assert.Equal(AgentNumber, testCall["To"].Single());
        Assert.Contains("<Say>", testCall["Twiml"].Single(), StringComparison.Ordinal);
        Assert.False(testCall.ContainsKey("StatusCallback"));

        // The auth token is in no response, audit row, stored settings document or log line.
        responses.Add((await tenant.GetJsonAsync("/api/v1/integrations/voip")).ToString());
        responses.Add((await tenant.GetJsonAsync("/api/v1/audit-logs?action=integration.updated")).ToString());
        var auditRows = await QueryAsSystemAsync("SELECT coalesce(changes::text, '') FROM audit_logs", r => r.GetString(0));
        var stored = await QueryAsSystemAsync("SELECT settings::text || secrets::text FROM integration_settings", r => r.GetString(0));
        Assert.DoesNotContain(responses, text => text.Contains(_authToken, StringComparison.Ordinal));
        Assert.DoesNotContain(auditRows, text => text.Contains(_authToken, StringComparison.Ordinal));
        Assert.DoesNotContain(stored, text => text.Contains(_authToken, StringComparison.Ordinal));
        Assert.DoesNotContain(Logs.Lines, line => line.Contains(_authToken, StringComparison.Ordinal));
    }

    [Fact]
    public async Task AClickToCallAndItsAgentsDispositionAreOneCallActivityInEitherOrder()
    {
        using var twilio = TwilioAnswering(201, $$"""{"sid":"{{CallSid}}","status":"queued","direction":"outbound-api"}""");

        // The provider's report first, then the agent's disposition: the disposition completes the call's activity.
        var first = await TenantSession.SignUpAsync(Http);
        await ConfigureAsync(first, twilio.Url!, new { userId = first.UserId, number = AgentNumber });
        var firstLead = (await first.LeadAsync()).GetProperty("id").GetGuid();
        var firstCallback = await PlaceCallAsync(twilio, first, firstLead);
        var ended = await SignedCallbackAsync(firstCallback, Fields(("CallStatus", "completed"), ("CallDuration", "42")));
        var firstActivity = ended.GetProperty("activityId").GetGuid();
        var logged = await first.SendJsonAsync(HttpMethod.Post, $"/api/v1/leads/{firstLead}/calls",
            new { disposition = "interested", notes = "Wants the two-bedroom on a high floor." }, HttpStatusCode.OK);
        Assert.Equal(1, logged.GetProperty("calls").GetProperty("attempts").GetInt32());
        var merged = Assert.Single(await CallActivitiesAsync(first, firstLead));
        Assert.Equal(firstActivity, merged.GetProperty("id").GetGuid());
        Assert.Equal("interested", merged.GetProperty("outcome").GetString());
        Assert.Equal(42, merged.GetProperty("durationSeconds").GetInt32());
        var body = merged.GetProperty("body").GetString()!;
        Assert.StartsWith("Wants the two-bedroom on a high floor.", body, StringComparison.Ordinal);
        Assert.Contains("Click-to-call to", body, StringComparison.Ordinal);
        var firstAgents = await AgentRowAsync(first);
        Assert.Equal((1, 1, 0), (firstAgents.GetProperty("calls").GetInt32(), firstAgents.GetProperty("interested").GetInt32(), firstAgents.GetProperty("answered").GetInt32()));
        var firstEvents = await QueryAsSystemAsync(
            "SELECT type FROM events WHERE tenant_id = $1 AND entity_type = 'activity' ORDER BY id", r => r.GetString(0), first.TenantId);
        Assert.Equal(new[] { "activity.created", "activity.updated" }, firstEvents);

        // The agent's disposition first, then the provider's report: one activity again, with the agent's outcome and the measured length.
        var second = await TenantSession.SignUpAsync(Http);
        await ConfigureAsync(second, twilio.Url!, new { userId = second.UserId, number = AgentNumber });
        var secondLead = (await second.LeadAsync()).GetProperty("id").GetGuid();
        var secondCallback = await PlaceCallAsync(twilio, second, secondLead);
        await second.SendJsonAsync(HttpMethod.Post, $"/api/v1/leads/{secondLead}/calls", new { disposition = "not_interested" }, HttpStatusCode.OK);
        var dispositioned = Assert.Single(await CallActivitiesAsync(second, secondLead));
        var reported = await SignedCallbackAsync(secondCallback, Fields(("CallStatus", "completed"), ("CallDuration", "30")));
        Assert.Equal(dispositioned.GetProperty("id").GetGuid(), reported.GetProperty("activityId").GetGuid());
        var completed = Assert.Single(await CallActivitiesAsync(second, secondLead));
        Assert.Equal(("not_interested", 30), (completed.GetProperty("outcome").GetString(), completed.GetProperty("durationSeconds").GetInt32()));

        // A later call the agent logs without placing it through the provider is a call of its own.
        await second.SendJsonAsync(HttpMethod.Post, $"/api/v1/leads/{secondLead}/calls", new { disposition = "no_answer" }, HttpStatusCode.OK);
        Assert.Equal(2, (await CallActivitiesAsync(second, secondLead)).Count);
        Assert.Equal(2, (await AgentRowAsync(second)).GetProperty("calls").GetInt32());
    }

    [Fact]
    public async Task AContactsDispositionAfterAClickToCallIsThatCallsOneActivityAndALaterCallIsItsOwn()
    {
        using var twilio = TwilioAnswering(201, $$"""{"sid":"{{CallSid}}","status":"queued","direction":"outbound-api"}""");
        var tenant = await TenantSession.SignUpAsync(Http);
        await ConfigureAsync(tenant, twilio.Url!, new { userId = tenant.UserId, number = AgentNumber });
        var contactId = (await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/contacts",
            new { firstName = "Omar", lastName = "Haddad", phones = new[] { "+971509990011" } }, HttpStatusCode.Created)).GetProperty("id").GetGuid();

        await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/calls/click-to-call", new { contactId }, HttpStatusCode.Accepted);
        var callback = new Uri(QueryHelpers.ParseQuery(twilio.LogEntries[^1].RequestMessage.Body!)["StatusCallback"].Single()!);
        var ended = await SignedCallbackAsync(callback, Fields(("CallStatus", "completed"), ("CallDuration", "65")));

        // The disposition completes the provider's activity for the call: one call, with the agent's outcome and the measured length.
        var logged = await tenant.SendJsonAsync(HttpMethod.Post, $"/api/v1/contacts/{contactId}/calls",
            new { disposition = "interested", notes = "Asked for the payment plan." }, HttpStatusCode.OK);
        Assert.Equal(ended.GetProperty("activityId").GetGuid(), logged.GetProperty("id").GetGuid());
        var merged = Assert.Single(await CallActivitiesAsync(tenant, contactId));
        Assert.Equal(("interested", 65), (merged.GetProperty("outcome").GetString(), merged.GetProperty("durationSeconds").GetInt32()));
        Assert.StartsWith("Asked for the payment plan.", merged.GetProperty("body").GetString(), StringComparison.Ordinal);
        Assert.Equal((1, 1), ((await AgentRowAsync(tenant)).GetProperty("calls").GetInt32(), (await AgentRowAsync(tenant)).GetProperty("interested").GetInt32()));

        // A later call without the provider is a call of its own, not a second account of the click-to-call.
        var later = await tenant.SendJsonAsync(HttpMethod.Post, $"/api/v1/contacts/{contactId}/calls", new { disposition = "no_answer" }, HttpStatusCode.OK);
        Assert.NotEqual(merged.GetProperty("id").GetGuid(), later.GetProperty("id").GetGuid());
        Assert.Equal(2, (await CallActivitiesAsync(tenant, contactId)).Count);
        Assert.Equal(2, (await AgentRowAsync(tenant)).GetProperty("calls").GetInt32());
    }

    /// <summary>Places a click-to-call to the lead and returns the status callback address Twilio was given for it.</summary>
    private static async Task<Uri> PlaceCallAsync(WireMockServer twilio, TenantSession tenant, Guid leadId)
    {
        var started = await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/calls/click-to-call", new { leadId }, HttpStatusCode.Accepted);
        var callback = new Uri(QueryHelpers.ParseQuery(twilio.LogEntries[^1].RequestMessage.Body!)["StatusCallback"].Single()!);
        Assert.Equal(started.GetProperty("callId").GetGuid().ToString(), QueryHelpers.ParseQuery(callback.Query)["call"].Single());
        return callback;
    }

    private static async Task<JsonElement> AgentRowAsync(TenantSession tenant) =>
        (await tenant.GetJsonAsync("/api/v1/reports/agents")).GetProperty("rows").EnumerateArray().Single(r => r.GetProperty("agentId").GetGuid() == tenant.UserId);

    [Fact]
    public async Task ClickToCallIsRefusedWithoutSettingsAnotherTenantsLeadAnAgentNumberOrAPhoneAndSaysWhatTwilioRefused()
    {
        using var twilio = TwilioAnswering(400, """{"code":21211,"message":"The 'To' number +971501112233 is not a valid phone number.","more_info":"https://www.twilio.com/docs/errors/21211","status":400}""");
        var tenant = await TenantSession.SignUpAsync(Http);
        var other = await TenantSession.SignUpAsync(Http);
        var leadId = await tenant.LeadIdAsync();

        await ErrorFormatTests.AssertProblemAsync(await tenant.SendAsync(HttpMethod.Post, "/api/v1/calls/click-to-call", new { leadId }), HttpStatusCode.Conflict, "not_configured");
        await ErrorFormatTests.AssertProblemAsync(await tenant.SendAsync(HttpMethod.Post, "/api/v1/integrations/voip/test"), HttpStatusCode.Conflict, "not_configured");

        await ConfigureAsync(tenant, twilio.Url!);
        await ErrorFormatTests.AssertProblemAsync(await tenant.SendAsync(HttpMethod.Post, "/api/v1/calls/click-to-call", new { leadId = await other.LeadIdAsync() }), HttpStatusCode.NotFound, "not_found");
        await ErrorFormatTests.AssertProblemAsync(await tenant.SendAsync(HttpMethod.Post, "/api/v1/calls/click-to-call", new { contactId = Guid.NewGuid() }), HttpStatusCode.NotFound, "not_found");
        await AssertInvalidAsync(await tenant.SendAsync(HttpMethod.Post, "/api/v1/calls/click-to-call", new { }), "leadId");
        await AssertInvalidAsync(await tenant.SendAsync(HttpMethod.Post, "/api/v1/calls/click-to-call", new { leadId }), "agentNumber");

        await ConfigureAsync(tenant, twilio.Url!, new { userId = tenant.UserId, number = AgentNumber });
        var noPhone = await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/leads", new { name = "No Phone", email = $"nophone@{tenant.Slug}.test", source = "web" }, HttpStatusCode.Created);
        await AssertInvalidAsync(await tenant.SendAsync(HttpMethod.Post, "/api/v1/calls/click-to-call", new { leadId = noPhone.GetProperty("id").GetGuid() }), "leadId");
        Assert.Empty(twilio.LogEntries);
        Assert.Empty(await QueryAsSystemAsync("SELECT id FROM voip_calls", r => r.GetGuid(0)));

        // Twilio's refusal is a 502 with its message; the call is kept as failed.
        var refused = await ErrorFormatTests.AssertProblemAsync(await tenant.SendAsync(HttpMethod.Post, "/api/v1/calls/click-to-call", new { leadId }), HttpStatusCode.BadGateway, "provider_error");
        Assert.Contains("is not a valid phone number", refused.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("failed", Assert.Single(await QueryAsSystemAsync("SELECT status FROM voip_calls", r => r.GetString(0))));
        var test = await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/integrations/voip/test", null, HttpStatusCode.OK);
        Assert.False(test.GetProperty("delivered").GetBoolean());
        Assert.Contains("is not a valid phone number", test.GetProperty("detail").GetString(), StringComparison.Ordinal);

        // A contact is called on its first phone, and its ended call is logged on the contact.
        twilio.Reset();
        twilio.Given(Request.Create().WithPath($"/2010-04-01/Accounts/{_accountSid}/Calls.json").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(201).WithHeader("Content-Type", "application/json").WithBody($$"""{"sid":"{{CallSid}}","status":"queued"}"""));
        var contact = await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/contacts",
            new { firstName = "Carla", lastName = "Contact", emails = new[] { $"carla@{tenant.Slug}.test" }, phones = new[] { "+971509998877", "+971509998866" } }, HttpStatusCode.Created);
        var contactId = contact.GetProperty("id").GetGuid();
        var started = await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/calls/click-to-call", new { contactId }, HttpStatusCode.Accepted);
        Assert.Equal("contact", started.GetProperty("subjectType").GetString());
        var form = QueryHelpers.ParseQuery(Assert.Single(twilio.LogEntries).RequestMessage.Body!);
        Assert.Contains("<Number>+971509998877</Number>", form["Twiml"].Single(), StringComparison.Ordinal);
        var callback = new Uri(form["StatusCallback"].Single()!);
        var ended = await SignedCallbackAsync(callback, Fields(("CallStatus", "no-answer"), ("CallDuration", "0")));
        Assert.Equal("no_answer", ended.GetProperty("status").GetString());
        var logged = Assert.Single((await tenant.GetJsonAsync($"/api/v1/activities?subjectId={contactId}")).GetProperty("items").EnumerateArray());
        Assert.Equal("call", logged.GetProperty("type").GetString());
        Assert.Equal("no_answer", logged.GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task VoipSettingsNeedIntegrationsManageAreValidatedByFieldAndAuditedWithoutTheToken()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        var (_, managerToken, _) = await tenant.AddUserAsync("sales_manager", "manager@example.test");
        var settings = new { provider = "twilio", accountSid = _accountSid, authToken = _authToken, fromNumber = FromNumber, agents = Array.Empty<object>() };

        await ErrorFormatTests.AssertProblemAsync(await tenant.SendAsync(HttpMethod.Get, "/api/v1/integrations/voip", token: managerToken), HttpStatusCode.Forbidden, "forbidden");
        await ErrorFormatTests.AssertProblemAsync(await tenant.SendAsync(HttpMethod.Put, "/api/v1/integrations/voip", settings, managerToken), HttpStatusCode.Forbidden, "forbidden");
        Assert.False((await tenant.GetJsonAsync("/api/v1/integrations/voip")).GetProperty("configured").GetBoolean());

        var invalid = await tenant.SendAsync(HttpMethod.Put, "/api/v1/integrations/voip", new
        {
            provider = "skype", accountSid = "XY1", fromNumber = "0501234567", apiBase = "ftp://twilio",
            agents = new object[] { new { userId = tenant.UserId, number = "12" }, new { userId = tenant.UserId, number = AgentNumber } },
        });
        var problem = await ErrorFormatTests.AssertProblemAsync(invalid, HttpStatusCode.BadRequest, "validation_failed");
        foreach (var field in new[] { "provider", "accountSid", "authToken", "fromNumber", "apiBase", "agents[0].number", "agents[1].userId" })
        {
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"{field} is not named: {problem}");
        }

        Assert.False((await tenant.GetJsonAsync("/api/v1/integrations/voip")).GetProperty("configured").GetBoolean());
        var saved = await tenant.SendJsonAsync(HttpMethod.Put, "/api/v1/integrations/voip", settings with { agents = [new { userId = tenant.UserId, number = AgentNumber }] }, HttpStatusCode.OK);
        Assert.True(saved.GetProperty("authToken").GetProperty("set").GetBoolean());
        Assert.Equal("https://api.twilio.com", saved.GetProperty("apiBase").GetString());
        var agent = Assert.Single(saved.GetProperty("agents").EnumerateArray());
        Assert.Equal(tenant.UserId, agent.GetProperty("userId").GetGuid());
        Assert.Equal(AgentNumber, agent.GetProperty("number").GetString());

        // A PUT without the token keeps it.
        var kept = await tenant.SendJsonAsync(HttpMethod.Put, "/api/v1/integrations/voip", new { provider = "twilio", accountSid = _accountSid, fromNumber = "+97145550001" }, HttpStatusCode.OK);
        Assert.True(kept.GetProperty("authToken").GetProperty("set").GetBoolean());
        Assert.Empty(kept.GetProperty("agents").EnumerateArray());

        var audit = await tenant.GetJsonAsync("/api/v1/audit-logs?action=integration.updated");
        var entries = audit.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(2, entries.Count);
        Assert.Equal("voip", entries[^1].GetProperty("changes").GetProperty("integration").GetString());
        Assert.Equal(["accountSid", "agents", "apiBase", "authToken", "fromNumber", "provider"], entries[^1].GetProperty("changes").GetProperty("fields").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal(["agents", "fromNumber"], entries[0].GetProperty("changes").GetProperty("fields").EnumerateArray().Select(f => f.GetString()));
        foreach (var text in new[] { saved.ToString(), kept.ToString(), audit.ToString(), problem.ToString() })
        {
            Assert.DoesNotContain(_authToken, text, StringComparison.Ordinal);
        }
    }

    private WireMockServer TwilioAnswering(int status, string body)
    {
        var twilio = WireMockServer.Start();
        twilio.Given(Request.Create().WithPath($"/2010-04-01/Accounts/{_accountSid}/Calls.json").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json").WithBody(body));
        return twilio;
    }

    private async Task<JsonElement> ConfigureAsync(TenantSession tenant, string apiBase, params object[] agents) =>
        await tenant.SendJsonAsync(HttpMethod.Put, "/api/v1/integrations/voip",
            new { provider = "twilio", accountSid = _accountSid, authToken = _authToken, fromNumber = FromNumber, apiBase, agents }, HttpStatusCode.OK);

    /// <summary>Twilio's status callback fields for the call, with <paramref name="fields"/> added.</summary>
    private Dictionary<string, string> Fields(params (string Name, string Value)[] fields)
    {
        var all = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["AccountSid"] = _accountSid, ["CallSid"] = CallSid, ["From"] = FromNumber, ["To"] = AgentNumber, ["Direction"] = "outbound-api", ["ApiVersion"] = "2010-04-01",
        };
        foreach (var (name, value) in fields)
        {
            all[name] = value;
        }

        return all;
    }

    /// <summary>Twilio's X-Twilio-Signature: base64 HMAC-SHA1 of the URL and the fields sorted by name, under the auth token.</summary>
    private static string Sign(string authToken, Uri url, Dictionary<string, string> fields)
    {
        var data = new StringBuilder(url.ToString());
        foreach (var (name, value) in fields.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            data.Append(name).Append(value);
        }

#pragma warning disable CA5350 // Twilio's protocol
        return Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(authToken), Encoding.UTF8.GetBytes(data.ToString())));
#pragma warning restore CA5350
    }

    private async Task<HttpResponseMessage> CallbackAsync(Uri url, Dictionary<string, string> fields, string? signature)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url.PathAndQuery) { Content = new FormUrlEncodedContent(fields) };
        if (signature is not null)
        {
            request.Headers.Add("X-Twilio-Signature", signature);
        }

        return await Http.SendAsync(request);
    }

    private async Task<JsonElement> SignedCallbackAsync(Uri url, Dictionary<string, string> fields)
    {
        var response = await CallbackAsync(url, fields, Sign(_authToken, url, fields));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private async Task<string> StatusAsync(Guid callId) =>
        Assert.Single(await QueryAsSystemAsync("SELECT status FROM voip_calls WHERE id = $1", r => r.GetString(0), callId));

    private static async Task<List<JsonElement>> CallActivitiesAsync(TenantSession tenant, Guid subjectId) =>
        [.. (await tenant.GetJsonAsync($"/api/v1/activities?subjectId={subjectId}")).GetProperty("items").EnumerateArray().Where(a => a.GetProperty("type").GetString() == "call")];

    private static async Task AssertInvalidAsync(HttpResponseMessage response, string field)
    {
        var problem = await ErrorFormatTests.AssertProblemAsync(response, HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"{field} is not named: {problem}");
    }
}
