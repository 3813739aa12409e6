using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using M3CoreCRM.Tests.Infrastructure;
using WireMock.Server;

namespace M3CoreCRM.Tests.Billing;

/// <summary>
/// An ApiHost with small plan limits and Stripe pointed at a WireMock server that answers as Stripe's API does.
/// Free: 3 seats, 4 leads, 2 units; pro: 6 seats, 50 leads, 50 units; enterprise: no limits.
/// </summary>
public abstract class BillingTestBase(PostgresFixture postgres) : IAsyncLifetime
{
    public const string WebhookSecret = "whsec_test_5ecret_for_the_tests";
    public const string ApiKey = "sk_test_platform_key_for_the_tests";
    public const string ProPrice = "price_pro_monthly";
    public const string EnterprisePrice = "price_enterprise_monthly";

    private ApiFactory? _api;

    protected ApiFactory Api => _api!;

    protected HttpClient Http { get; private set; } = null!;

    protected WireMockServer Stripe { get; private set; } = null!;

    /// <summary>Settings of this class's host besides the plan limits and Stripe's.</summary>
    protected virtual bool StripeConfigured => true;

    public async Task InitializeAsync()
    {
        Stripe = WireMockServer.Start();
        var settings = new Dictionary<string, string>
        {
            ["Billing:Plans:Free:Seats"] = "3",
            ["Billing:Plans:Free:Leads"] = "4",
            ["Billing:Plans:Free:Units"] = "2",
            ["Billing:Plans:Pro:Seats"] = "6",
            ["Billing:Plans:Pro:Leads"] = "50",
            ["Billing:Plans:Pro:Units"] = "50",
        };
        if (StripeConfigured)
        {
            settings["Stripe:ApiKey"] = ApiKey;
            settings["Stripe:WebhookSecret"] = WebhookSecret;
            settings["Stripe:ApiBase"] = Stripe.Urls[0];
            settings["Stripe:Prices:Pro"] = ProPrice;
            settings["Stripe:Prices:Enterprise"] = EnterprisePrice;
        }

        _api = new ApiFactory(await postgres.Server.CreateDatabaseAsync("billing"), settings);
        Http = _api.CreateClient();
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await Api.DisposeAsync();
        Stripe.Stop();
        Stripe.Dispose();
    }

    /// <summary>Posts <paramref name="body"/> to the webhook signed as Stripe signs: <c>t=...,v1=hex(HMAC_SHA256(secret, t + "." + body))</c>.</summary>
    protected async Task<HttpResponseMessage> PostWebhookAsync(string body, string? signature = "valid", DateTimeOffset? signedAt = null, string secret = WebhookSecret)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/webhooks/stripe") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (signature == "valid")
        {
            request.Headers.TryAddWithoutValidation("Stripe-Signature", Sign(body, signedAt ?? DateTimeOffset.UtcNow, secret));
        }
        else if (signature is not null)
        {
            request.Headers.TryAddWithoutValidation("Stripe-Signature", signature);
        }

        return await Http.SendAsync(request);
    }

    protected static string Sign(string body, DateTimeOffset at, string secret = WebhookSecret)
    {
        var t = at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(t + "." + body));
        return $"t={t},v1={Convert.ToHexStringLower(mac)}";
    }

    /// <summary>A Stripe event as Stripe sends it (<c>object: event</c>, <c>data.object</c> the subscription or invoice).</summary>
    protected static string Event(string type, object dataObject, string? id = null, DateTimeOffset? created = null) => JsonSerializer.Serialize(new Dictionary<string, object?>
    {
        ["id"] = id ?? "evt_" + Guid.NewGuid().ToString("N"),
        ["object"] = "event",
        ["api_version"] = "2025-11-17.clover",
        ["created"] = (created ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds(),
        ["livemode"] = false,
        ["pending_webhooks"] = 1,
        ["request"] = new { id = (string?)null, idempotency_key = (string?)null },
        ["type"] = type,
        ["data"] = new { @object = dataObject },
    });

    protected static object Subscription(string customer, string price, string status = "active", Guid? tenantId = null, string? id = null) => new Dictionary<string, object?>
    {
        ["id"] = id ?? "sub_" + Guid.NewGuid().ToString("N")[..14],
        ["object"] = "subscription",
        ["customer"] = customer,
        ["status"] = status,
        ["metadata"] = tenantId is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["tenant_id"] = tenantId.Value.ToString() },
        ["items"] = new
        {
            @object = "list",
            data = new[] { new { id = "si_" + Guid.NewGuid().ToString("N")[..14], @object = "subscription_item", price = new { id = price, @object = "price", recurring = new { interval = "month" } }, quantity = 1 } },
        },
    };

    protected static object Invoice(string customer) => new Dictionary<string, object?>
    {
        ["id"] = "in_" + Guid.NewGuid().ToString("N")[..14],
        ["object"] = "invoice",
        ["customer"] = customer,
        ["status"] = "open",
    };

    protected static async Task<JsonElement> BillingAsync(TenantSession tenant) => await tenant.GetJsonAsync("/api/v1/billing");

    protected static async Task AssertPlanLimitAsync(HttpResponseMessage response, string limit)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"expected 403 plan_limit, got {(int)response.StatusCode} {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(text).RootElement;
        Assert.Equal("plan_limit", problem.GetProperty("code").GetString());
        Assert.Equal(limit, problem.GetProperty("limit").GetString());
    }

    protected static Task<HttpResponseMessage> CreateUserAsync(TenantSession tenant, string email, bool invited = false) =>
        tenant.SendAsync(HttpMethod.Post, "/api/v1/users", invited
            ? new { name = "User " + email, email, roleIds = Array.Empty<Guid>() }
            : new { name = "User " + email, email, roleIds = Array.Empty<Guid>(), password = "another long passphrase" });

    protected static async Task<JsonElement> ReadAsync(HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>();
}
