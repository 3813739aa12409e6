using System.Net;
using M3CoreCRM.Grains.Notifications;
using M3CoreCRM.Silo.Integrations;
using M3CoreCRM.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace M3CoreCRM.Tests.Integrations;

[Collection(PostgresCollection.Name)]
public sealed class EmailDeliveryTests(PostgresFixture postgres) : IntegrationTestBase(postgres)
{
    [Fact]
    public async Task AnInvitationIsDeliveredOverSmtpAsTextAndHtmlWithItsTokenAndNotToTheDevelopmentOutbox()
    {
        await using var smtp = new TestSmtpServer();
        var tenant = await TenantSession.SignUpAsync(Http);
        await tenant.SendJsonAsync(HttpMethod.Put, "/api/v1/integrations/email",
            new { host = "127.0.0.1", port = smtp.Port, tlsMode = "none", fromAddress = "crm@acme.test", fromName = "Acme CRM" }, HttpStatusCode.OK);

        await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/users",
            new { name = "Ivy Invitee", email = "ivy@example.test", roleIds = new[] { await tenant.RoleIdAsync("agent") } }, HttpStatusCode.Created);

        var mail = await Eventually.ReturnsAsync(() => Task.FromResult(smtp.Received.FirstOrDefault(m => m.To.ToString().Contains("ivy@example.test", StringComparison.Ordinal))), m => m is not null);
        Assert.Equal("You are invited to M3CoreCRM", mail!.Subject);
        Assert.Equal("crm@acme.test", mail.From.Mailboxes.Single().Address);
        var token = mail.TextBody!.Split("token: ")[1].Trim();
        Assert.Contains(token, mail.HtmlBody, StringComparison.Ordinal);
        Assert.EndsWith("@m3corecrm", mail.MessageId, StringComparison.Ordinal);

        // The token in the mail is the real invitation: it signs the invitee in.
        using var accept = tenant.Request(HttpMethod.Post, "/api/v1/auth/invitations/accept", new { token, password = "a long enough passphrase" });
        accept.Headers.Authorization = null;
        var accepted = await Http.SendAsync(accept);
        Assert.True(accepted.IsSuccessStatusCode, $"accept: {(int)accepted.StatusCode} {await accepted.Content.ReadAsStringAsync()}");

        Assert.DoesNotContain(Api.Services.GetRequiredService<DevelopmentOutbox>().Sent, m => m.To == "ivy@example.test");
        var sent = await Eventually.ReturnsAsync(
            async () => (await tenant.GetJsonAsync("/api/v1/integrations/deliveries?status=sent")).GetProperty("items"), items => items.GetArrayLength() == 1);
        var row = sent[0];
        Assert.Equal("email", row.GetProperty("channel").GetString());
        Assert.Equal(1, row.GetProperty("attempts").GetInt32());
        Assert.Equal(mail.MessageId, row.GetProperty("providerMessageId").GetString());
        Assert.False(row.TryGetProperty("body", out _));
        Assert.DoesNotContain(Logs.Lines, line => line.Contains(token, StringComparison.Ordinal));
        Assert.Single(smtp.Received);
    }

    [Fact]
    public async Task AnSmtpServerThatIsDownIsRetriedThenTheMessageIsFailedAndListedForAdmins()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        await tenant.SendJsonAsync(HttpMethod.Put, "/api/v1/integrations/email",
            new { host = "127.0.0.1", port = FreePort(), tlsMode = "none", fromAddress = "crm@acme.test" }, HttpStatusCode.OK);

        Assert.Equal(HttpStatusCode.Accepted, (await tenant.SendAsync(HttpMethod.Post, "/api/v1/auth/verify/email/request")).StatusCode);

        var failed = await Eventually.ReturnsAsync(
            async () => (await tenant.GetJsonAsync("/api/v1/integrations/deliveries?status=failed")).GetProperty("items"), items => items.GetArrayLength() == 1);
        Assert.Equal(MaxAttempts, failed[0].GetProperty("attempts").GetInt32());
        Assert.Contains("SMTP server could not take the message", failed[0].GetProperty("lastError").GetString(), StringComparison.Ordinal);
        Assert.Equal($"owner@{tenant.Slug}.test", failed[0].GetProperty("recipient").GetString());
        Assert.Empty((await tenant.GetJsonAsync("/api/v1/integrations/deliveries?status=pending")).GetProperty("items").EnumerateArray());

        // The test message answers what happened, at once: not delivered, and why.
        var test = await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/integrations/email/test", null, HttpStatusCode.OK);
        Assert.False(test.GetProperty("delivered").GetBoolean());
        Assert.Contains("SMTP server could not take the message", test.GetProperty("detail").GetString(), StringComparison.Ordinal);

        // Nothing is lost: the code went nowhere else, and another tenant's list does not show it.
        Assert.DoesNotContain(Api.Services.GetRequiredService<DevelopmentOutbox>().Sent, m => m.To == $"owner@{tenant.Slug}.test");
        var other = await TenantSession.SignUpAsync(Http);
        Assert.Empty((await other.GetJsonAsync("/api/v1/integrations/deliveries")).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task AMessageIsEnqueuedOncePerKeyAndAClaimedOneIsHeldByOneWorkerOnly()
    {
        await using var smtp = new TestSmtpServer();
        var tenant = await TenantSession.SignUpAsync(Http);
        await tenant.SendJsonAsync(HttpMethod.Put, "/api/v1/integrations/email",
            new { host = "127.0.0.1", port = smtp.Port, tlsMode = "none", fromAddress = "crm@acme.test" }, HttpStatusCode.OK);

        var outbox = Api.Services.GetRequiredService<INotificationOutbox>();
        var message = new OutgoingMessage("email", "once@example.test", "Once", "Only once") { TenantId = tenant.TenantId, Key = "test:once" };
        await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => outbox.SendAsync(message, CancellationToken.None)));

        var rows = await Eventually.ReturnsAsync(
            () => QueryAsSystemAsync("SELECT status, attempts FROM deliveries WHERE tenant_id = $1 AND idempotency_key = 'test:once'", r => (r.GetString(0), r.GetInt32(1)), tenant.TenantId),
            found => found.Any(row => row.Item1 == "sent"));
        Assert.Equal([("sent", 1)], rows);
        Assert.Single(smtp.Received, m => m.Subject == "Once");

        // Workers racing for due rows never claim one together (FOR UPDATE SKIP LOCKED, then the lease).
        await QueryAsSystemAsync("""
            INSERT INTO deliveries (tenant_id, id, idempotency_key, channel, recipient, subject, body)
            SELECT $1, gen_random_uuid(), 'race:' || n, 'email', 'race@example.test', 'Race', 'x' FROM generate_series(1, 30) n
            RETURNING id
            """, r => r.GetGuid(0), tenant.TenantId);
        var workers = Enumerable.Range(0, 3).Select(_ => ActivatorUtilities.CreateInstance<DeliveryWorker>(Api.Services)).ToList();
        var claims = await Task.WhenAll(workers.SelectMany(worker => new[] { worker.ClaimAsync(CancellationToken.None), worker.ClaimAsync(CancellationToken.None) }));
        var claimed = claims.SelectMany(c => c).Where(c => c.Recipient == "race@example.test").Select(c => c.Id).ToList();
        Assert.NotEmpty(claimed);
        Assert.Equal(claimed.Count, claimed.Distinct().Count());
        foreach (var worker in workers)
        {
            worker.Dispose();
        }
    }
}
