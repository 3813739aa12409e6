using System.Net;
using System.Text.Json;
using M3CoreCRM.Tests.Infrastructure;

namespace M3CoreCRM.Tests.Billing;

[Collection(PostgresCollection.Name)]
public sealed class StripeTests(PostgresFixture postgres) : BillingTestBase(postgres)
{
    [Fact]
    public async Task CheckoutCreatesTheCustomerOnceAndASubscriptionSessionForTheTenant()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        Stripe.ServeTenant(tenant.TenantId);
        await tenant.SendJsonAsync(HttpMethod.Put, "/api/v1/integrations/stripe", new { billingEmail = "billing@acme.test" }, HttpStatusCode.OK);

        var first = await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/billing/checkout", new { plan = "pro" }, HttpStatusCode.OK);
        var second = await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/billing/checkout", new { plan = "enterprise" }, HttpStatusCode.OK);

        Assert.Equal($"https://checkout.stripe.com/c/pay/cs_test_{tenant.TenantId:N}", first.GetProperty("url").GetString());
        Assert.Equal(first.GetProperty("url").GetString(), second.GetProperty("url").GetString());
        var customer = Assert.Single(Stripe.Received("/v1/customers", tenant.TenantId.ToString()));
        Assert.Equal("billing@acme.test", customer["email"]);
        Assert.Equal(tenant.TenantId.ToString(), customer["metadata[tenant_id]"]);

        var sessions = Stripe.Received("/v1/checkout/sessions", tenant.TenantId.ToString());
        Assert.Equal(2, sessions.Count);
        Assert.All(sessions, session =>
        {
            Assert.Equal("subscription", session["mode"]);
            Assert.Equal(tenant.TenantId.ToString(), session["client_reference_id"]);
            Assert.Equal(StripeFake.CustomerOf(tenant.TenantId), session["customer"]);
            Assert.Equal("1", session["line_items[0][quantity]"]);
            Assert.Equal(tenant.TenantId.ToString(), session["subscription_data[metadata][tenant_id]"]);
        });
        Assert.Equal(ProPrice, sessions[0]["line_items[0][price]"]);
        Assert.Equal(EnterprisePrice, sessions[1]["line_items[0][price]"]);
        Assert.StartsWith("Bearer " + ApiKey, Stripe.LogEntries.First(e => e.RequestMessage.Path == "/v1/checkout/sessions").RequestMessage.Headers!["Authorization"][0], StringComparison.Ordinal);

        var settings = await tenant.GetJsonAsync("/api/v1/integrations/stripe");
        Assert.Equal(StripeFake.CustomerOf(tenant.TenantId), settings.GetProperty("customerId").GetString());
        Assert.DoesNotContain(ApiKey, settings.GetRawText(), StringComparison.Ordinal);
        Assert.DoesNotContain(WebhookSecret, settings.GetRawText(), StringComparison.Ordinal);
        Assert.Equal("free", (await BillingAsync(tenant)).GetProperty("plan").GetString());
    }

    [Fact]
    public async Task ThePortalOpensForTheTenantsCustomer()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        Stripe.ServeTenant(tenant.TenantId);

        var portal = await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/billing/portal", null, HttpStatusCode.OK);

        Assert.Equal($"https://billing.stripe.com/p/session/test_{tenant.TenantId:N}", portal.GetProperty("url").GetString());
        var request = Assert.Single(Stripe.Received("/v1/billing_portal/sessions", StripeFake.CustomerOf(tenant.TenantId)));
        Assert.EndsWith("/settings/billing", request["return_url"].ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckoutForAPlanNotSoldIsAValidationError()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        var problem = await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/billing/checkout", new { plan = "platinum" }, HttpStatusCode.BadRequest);
        Assert.Equal("validation_failed", problem.GetProperty("code").GetString());
        Assert.Empty(Stripe.Received("/v1/customers", tenant.TenantId.ToString()));
    }

    [Fact]
    public async Task ASignedSubscriptionEventChangesThePlanAndIsAudited()
    {
        var tenant = await TenantSession.SignUpAsync(Http);

        var response = await PostWebhookAsync(Event("customer.subscription.created", Subscription("cus_new_" + tenant.Slug, ProPrice, tenantId: tenant.TenantId)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var billing = await BillingAsync(tenant);
        Assert.Equal("pro", billing.GetProperty("plan").GetString());
        Assert.Equal(6, billing.GetProperty("limits").GetProperty("seats").GetInt32());
        Assert.Equal("pro", (await tenant.GetJsonAsync("/api/v1/tenant")).GetProperty("plan").GetString());
        var audit = await tenant.GetJsonAsync("/api/v1/audit-logs?action=tenant.plan_changed");
        var entry = Assert.Single(audit.GetProperty("items").EnumerateArray());
        Assert.Contains("\"pro\"", entry.GetRawText(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("missing")]
    [InlineData("bad")]
    [InlineData("stale")]
    [InlineData("wrong secret")]
    public async Task ABadMissingOrStaleSignatureIs400AndChangesNothing(string kind)
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        var body = Event("customer.subscription.updated", Subscription("cus_x_" + tenant.Slug, ProPrice, tenantId: tenant.TenantId));

        var response = kind switch
        {
            "missing" => await PostWebhookAsync(body, signature: null),
            "bad" => await PostWebhookAsync(body, signature: $"t={DateTimeOffset.UtcNow.ToUnixTimeSeconds()},v1={new string('a', 64)}"),
            "stale" => await PostWebhookAsync(body, signedAt: DateTimeOffset.UtcNow.AddMinutes(-6)),
            _ => await PostWebhookAsync(body, secret: "whsec_someone_else"),
        };

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("invalid_signature", (await ReadAsync(response)).GetProperty("code").GetString());
        Assert.Equal("free", (await BillingAsync(tenant)).GetProperty("plan").GetString());

        // The same event signed properly is still handled: the refused delivery recorded nothing.
        Assert.Equal(HttpStatusCode.OK, (await PostWebhookAsync(body)).StatusCode);
        Assert.Equal("pro", (await BillingAsync(tenant)).GetProperty("plan").GetString());
    }

    [Fact]
    public async Task AReplayedEventChangesNothing()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        var subscription = "sub_replay_" + tenant.TenantId.ToString("N")[..8];
        var upgrade = Event("customer.subscription.updated", Subscription("cus_r_" + tenant.Slug, ProPrice, tenantId: tenant.TenantId, id: subscription), id: "evt_up_" + tenant.TenantId.ToString("N"), created: DateTimeOffset.UtcNow.AddSeconds(-30));
        Assert.Equal(HttpStatusCode.OK, (await PostWebhookAsync(upgrade)).StatusCode);
        var pastDue = Event("customer.subscription.updated", Subscription("cus_r_" + tenant.Slug, ProPrice, status: "past_due", tenantId: tenant.TenantId, id: subscription), id: "evt_due_" + tenant.TenantId.ToString("N"), created: DateTimeOffset.UtcNow.AddSeconds(-20));
        Assert.Equal(HttpStatusCode.OK, (await PostWebhookAsync(pastDue)).StatusCode);
        Assert.Equal("past_due", (await BillingAsync(tenant)).GetProperty("status").GetString());

        var replay = await PostWebhookAsync(pastDue);
        var replayOfFirst = await PostWebhookAsync(upgrade);

        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        Assert.True((await ReadAsync(replay)).GetProperty("duplicate").GetBoolean());
        Assert.True((await ReadAsync(replayOfFirst)).GetProperty("duplicate").GetBoolean());
        var billing = await BillingAsync(tenant);
        Assert.Equal("pro", billing.GetProperty("plan").GetString());
        Assert.Equal("past_due", billing.GetProperty("status").GetString());
        var audit = await tenant.GetJsonAsync($"/api/v1/audit-logs?entityId={tenant.TenantId}");
        Assert.Single(audit.GetProperty("items").EnumerateArray(), e => e.GetProperty("action").GetString() == "tenant.plan_changed");
    }

    [Fact]
    public async Task InvoiceEventsSetTheStatusOfTheTenantWhoseCustomerTheyName()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        Stripe.ServeTenant(tenant.TenantId);
        await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/billing/checkout", new { plan = "pro" }, HttpStatusCode.OK);
        var customer = StripeFake.CustomerOf(tenant.TenantId);

        await PostWebhookAsync(Event("invoice.payment_failed", Invoice(customer), created: DateTimeOffset.UtcNow.AddSeconds(-10)));
        Assert.Equal("past_due", (await BillingAsync(tenant)).GetProperty("status").GetString());

        await PostWebhookAsync(Event("invoice.paid", Invoice(customer)));
        Assert.Equal("active", (await BillingAsync(tenant)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task ADowngradeWebhookChangesTheLimitInForce()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        var customer = "cus_d_" + tenant.Slug;
        var subscription = Subscription(customer, ProPrice, tenantId: tenant.TenantId, id: "sub_d_" + tenant.TenantId.ToString("N")[..8]);
        await PostWebhookAsync(Event("customer.subscription.created", subscription, created: DateTimeOffset.UtcNow.AddSeconds(-10)));
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.Created, (await CreateUserAsync(tenant, $"pro{i}@example.test")).StatusCode);
        }

        var deleted = await PostWebhookAsync(Event("customer.subscription.deleted", Subscription(customer, ProPrice, status: "canceled", tenantId: tenant.TenantId, id: "sub_d_" + tenant.TenantId.ToString("N")[..8])));

        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        var billing = await BillingAsync(tenant);
        Assert.Equal("free", billing.GetProperty("plan").GetString());
        Assert.Equal("canceled", billing.GetProperty("status").GetString());
        Assert.Equal(3, billing.GetProperty("limits").GetProperty("seats").GetInt32());
        await AssertPlanLimitAsync(await CreateUserAsync(tenant, "after@example.test"), "seats");
    }

    [Fact]
    public async Task AnOldSubscriptionEndingLeavesTheCurrentPlan()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        var customer = "cus_o_" + tenant.Slug;
        await PostWebhookAsync(Event("customer.subscription.created", Subscription(customer, ProPrice, tenantId: tenant.TenantId, id: "sub_old"), created: DateTimeOffset.UtcNow.AddSeconds(-20)));
        await PostWebhookAsync(Event("customer.subscription.created", Subscription(customer, EnterprisePrice, tenantId: tenant.TenantId, id: "sub_current"), created: DateTimeOffset.UtcNow.AddSeconds(-10)));

        var ended = await PostWebhookAsync(Event("customer.subscription.deleted", Subscription(customer, ProPrice, status: "canceled", tenantId: tenant.TenantId, id: "sub_old")));

        Assert.Equal(HttpStatusCode.OK, ended.StatusCode);
        var billing = await BillingAsync(tenant);
        Assert.Equal("enterprise", billing.GetProperty("plan").GetString());
        Assert.Equal(JsonValueKind.Null, billing.GetProperty("limits").GetProperty("seats").ValueKind);
    }

    [Fact]
    public async Task AnEventNamingNoTenantIsAcknowledgedAndChangesNothing()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        var response = await PostWebhookAsync(Event("customer.subscription.updated", Subscription("cus_nobody_" + tenant.Slug, ProPrice)));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("free", (await BillingAsync(tenant)).GetProperty("plan").GetString());

        var garbage = await PostWebhookAsync("{\"not\":\"an event\"}");
        Assert.Equal(HttpStatusCode.BadRequest, garbage.StatusCode);
        var notJson = await PostWebhookAsync("not json at all");
        Assert.Equal(HttpStatusCode.BadRequest, notJson.StatusCode);
    }
}

/// <summary>A host without Stripe configured: billing shows the plan, and nothing reaches for Stripe.</summary>
[Collection(PostgresCollection.Name)]
public sealed class UnconfiguredStripeTests(PostgresFixture postgres) : BillingTestBase(postgres)
{
    protected override bool StripeConfigured => false;

    [Fact]
    public async Task CheckoutPortalAndWebhookAnswer503BillingNotConfigured()
    {
        var tenant = await TenantSession.SignUpAsync(Http);

        foreach (var path in new[] { "/api/v1/billing/checkout", "/api/v1/billing/portal" })
        {
            var problem = await tenant.SendJsonAsync(HttpMethod.Post, path, new { plan = "pro" }, HttpStatusCode.ServiceUnavailable);
            Assert.Equal("billing_not_configured", problem.GetProperty("code").GetString());
        }

        var webhook = await PostWebhookAsync(Event("customer.subscription.created", Subscription("cus_u", ProPrice, tenantId: tenant.TenantId)));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, webhook.StatusCode);
        var billing = await BillingAsync(tenant);
        Assert.Equal("free", billing.GetProperty("plan").GetString());
        Assert.False(billing.GetProperty("stripeConfigured").GetBoolean());
        Assert.Empty(Stripe.LogEntries);
        Assert.Equal(JsonValueKind.Null, (await tenant.GetJsonAsync("/api/v1/integrations/stripe")).GetProperty("customerId").ValueKind);
    }
}
