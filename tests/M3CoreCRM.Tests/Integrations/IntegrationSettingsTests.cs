using System.Net;
using M3CoreCRM.Tests.Api;
using M3CoreCRM.Tests.Infrastructure;

namespace M3CoreCRM.Tests.Integrations;

[Collection(PostgresCollection.Name)]
public sealed class IntegrationSettingsTests(PostgresFixture postgres) : IntegrationTestBase(postgres)
{
    [Fact]
    public async Task SecretsAreWriteOnlyEncryptedAtRestAndInNoResponseLogLineOrAuditRow()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        var apiKey = "ib-key-" + Guid.NewGuid().ToString("N");
        var webhookSecret = "hook-" + Guid.NewGuid().ToString("N");
        var password = "smtp-" + Guid.NewGuid().ToString("N");
        var responses = new List<string>();

        async Task<string> SendAsync(HttpMethod method, string path, object? body, HttpStatusCode expected)
        {
            var response = await tenant.SendAsync(method, path, body);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(expected == response.StatusCode, $"{method} {path}: {(int)response.StatusCode} {text}");
            responses.Add(text);
            return text;
        }

        await SendAsync(HttpMethod.Put, "/api/v1/integrations/infobip",
            new { baseUrl = "https://example.api.infobip.test", apiKey, smsSender = "M3CRM", whatsappSender = "447860099299", webhookSecret }, HttpStatusCode.OK);
        await SendAsync(HttpMethod.Put, "/api/v1/integrations/email",
            new { host = "smtp.example.test", port = 587, tlsMode = "starttls", user = "mailer", password, fromAddress = "crm@example.test", fromName = "Acme CRM" }, HttpStatusCode.OK);

        var infobip = await tenant.GetJsonAsync("/api/v1/integrations/infobip");
        Assert.True(infobip.GetProperty("configured").GetBoolean());
        Assert.True(infobip.GetProperty("apiKey").GetProperty("set").GetBoolean());
        Assert.True(infobip.GetProperty("webhookSecret").GetProperty("set").GetBoolean());
        Assert.Equal("M3CRM", infobip.GetProperty("smsSender").GetString());
        responses.Add(infobip.ToString());

        // A PUT without the secret keeps it; an empty string removes it.
        var kept = await SendAsync(HttpMethod.Put, "/api/v1/integrations/email",
            new { host = "smtp2.example.test", port = 465, tlsMode = "tls", user = "mailer", fromAddress = "crm@example.test" }, HttpStatusCode.OK);
        Assert.Contains("\"password\":{\"set\":true}", kept, StringComparison.Ordinal);
        var removed = await SendAsync(HttpMethod.Put, "/api/v1/integrations/email",
            new { host = "smtp2.example.test", port = 465, tlsMode = "tls", password = "", fromAddress = "crm@example.test" }, HttpStatusCode.OK);
        Assert.Contains("\"password\":{\"set\":false}", removed, StringComparison.Ordinal);
        await SendAsync(HttpMethod.Put, "/api/v1/integrations/email",
            new { host = "smtp2.example.test", port = 465, tlsMode = "tls", password, fromAddress = "crm@example.test" }, HttpStatusCode.OK);
        responses.Add((await tenant.GetJsonAsync("/api/v1/integrations/email")).ToString());

        // Audited by field name, never by value.
        var audit = await tenant.GetJsonAsync("/api/v1/audit-logs?action=integration.updated");
        var entries = audit.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(5, entries.Count);
        var first = entries.Last().GetProperty("changes");
        Assert.Equal("infobip", first.GetProperty("integration").GetString());
        Assert.Equal(["apiKey", "baseUrl", "smsSender", "webhookSecret", "whatsappSender"], first.GetProperty("fields").EnumerateArray().Select(f => f.GetString()));
        Assert.Contains("password", entries[1].GetProperty("changes").GetProperty("fields").EnumerateArray().Select(f => f.GetString()));
        responses.Add(audit.ToString());

        var stored = await QueryAsSystemAsync("SELECT settings::text || secrets::text FROM integration_settings", r => r.GetString(0));
        var auditRows = await QueryAsSystemAsync("SELECT coalesce(changes::text, '') FROM audit_logs", r => r.GetString(0));
        var keyRing = await QueryAsSystemAsync("SELECT count(*) FROM data_protection_keys", r => r.GetInt64(0));
        Assert.True(keyRing[0] >= 1, "The Data Protection key ring is kept in PostgreSQL.");
        Assert.Equal(2, stored.Count);
        foreach (var secret in new[] { apiKey, webhookSecret, password })
        {
            Assert.DoesNotContain(responses, text => text.Contains(secret, StringComparison.Ordinal));
            Assert.DoesNotContain(stored, text => text.Contains(secret, StringComparison.Ordinal));
            Assert.DoesNotContain(auditRows, text => text.Contains(secret, StringComparison.Ordinal));
            Assert.DoesNotContain(Logs.Lines, line => line.Contains(secret, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task SettingsNeedIntegrationsManageAndAreSeenByNoOtherTenant()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        var other = await TenantSession.SignUpAsync(Http);
        var (_, managerToken, _) = await tenant.AddUserAsync("sales_manager", "manager@example.test");
        var settings = new { host = "smtp.example.test", port = 25, tlsMode = "none", fromAddress = "crm@example.test" };

        await ErrorFormatTests.AssertProblemAsync(await tenant.SendAsync(HttpMethod.Get, "/api/v1/integrations/email", token: managerToken), HttpStatusCode.Forbidden, "forbidden");
        await ErrorFormatTests.AssertProblemAsync(await tenant.SendAsync(HttpMethod.Put, "/api/v1/integrations/email", settings, managerToken), HttpStatusCode.Forbidden, "forbidden");
        await ErrorFormatTests.AssertProblemAsync(await tenant.SendAsync(HttpMethod.Get, "/api/v1/integrations/deliveries", token: managerToken), HttpStatusCode.Forbidden, "forbidden");
        Assert.False((await tenant.GetJsonAsync("/api/v1/integrations/email")).GetProperty("configured").GetBoolean());

        await tenant.SendJsonAsync(HttpMethod.Put, "/api/v1/integrations/email", settings, HttpStatusCode.OK);
        Assert.True((await tenant.GetJsonAsync("/api/v1/integrations/email")).GetProperty("configured").GetBoolean());
        var theirs = await other.GetJsonAsync("/api/v1/integrations/email");
        Assert.False(theirs.GetProperty("configured").GetBoolean());
        Assert.Null(theirs.GetProperty("host").GetString());
    }

    [Fact]
    public async Task InvalidSettingsAreRefusedNamingEachFieldAndChangeNothing()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        var response = await tenant.SendAsync(HttpMethod.Put, "/api/v1/integrations/email", new { port = 70000, tlsMode = "ssl", fromAddress = "not an address" });
        var problem = await ErrorFormatTests.AssertProblemAsync(response, HttpStatusCode.BadRequest, "validation_failed");
        foreach (var field in new[] { "host", "port", "tlsMode", "fromAddress" })
        {
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"{field} is not named: {problem}");
        }

        var infobip = await tenant.SendAsync(HttpMethod.Put, "/api/v1/integrations/infobip", new { baseUrl = "ftp://x", webhookSecret = "short" });
        var infobipProblem = await ErrorFormatTests.AssertProblemAsync(infobip, HttpStatusCode.BadRequest, "validation_failed");
        foreach (var field in new[] { "baseUrl", "apiKey", "webhookSecret" })
        {
            Assert.True(infobipProblem.GetProperty("errors").TryGetProperty(field, out _), $"{field} is not named: {infobipProblem}");
        }

        // A wrong JSON type is a 400 too, never a 500.
        var wrongType = await tenant.SendAsync(HttpMethod.Put, "/api/v1/integrations/email", new { host = "smtp.example.test", port = "twenty-five" });
        await ErrorFormatTests.AssertProblemAsync(wrongType, HttpStatusCode.BadRequest, "validation_failed");

        Assert.False((await tenant.GetJsonAsync("/api/v1/integrations/email")).GetProperty("configured").GetBoolean());
        Assert.False((await tenant.GetJsonAsync("/api/v1/integrations/infobip")).GetProperty("configured").GetBoolean());
        await ErrorFormatTests.AssertProblemAsync(await tenant.SendAsync(HttpMethod.Post, "/api/v1/integrations/email/test"), HttpStatusCode.Conflict, "not_configured");
        await ErrorFormatTests.AssertProblemAsync(await tenant.SendAsync(HttpMethod.Post, "/api/v1/integrations/stripe/test"), HttpStatusCode.NotFound, "not_found");
    }
}
