using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;
using WireMock.Matchers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using Request = WireMock.RequestBuilders.Request;
using Response = WireMock.ResponseBuilders.Response;

namespace M3CoreCRM.Tests.Billing;

/// <summary>Stripe's API as WireMock answers it for one tenant: customer, Checkout Session and Billing Portal session creation, in Stripe's shapes.</summary>
public static class StripeFake
{
    public static string CustomerOf(Guid tenantId) => "cus_" + tenantId.ToString("N")[..14];

    /// <summary>Answers the tenant's requests (their bodies carry its id; portal requests its customer id).</summary>
    public static void ServeTenant(this WireMockServer stripe, Guid tenantId)
    {
        var customer = CustomerOf(tenantId);
        stripe.Given(Request.Create().WithPath("/v1/customers").UsingPost().WithBody(new WildcardMatcher($"*{tenantId}*")))
            .RespondWith(Json(new Dictionary<string, object?>
            {
                ["id"] = customer,
                ["object"] = "customer",
                ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
                ["email"] = null,
                ["livemode"] = false,
                ["metadata"] = new Dictionary<string, string> { ["tenant_id"] = tenantId.ToString() },
                ["name"] = "Acme",
            }));
        stripe.Given(Request.Create().WithPath("/v1/checkout/sessions").UsingPost().WithBody(new WildcardMatcher($"*{tenantId}*")))
            .RespondWith(Json(new Dictionary<string, object?>
            {
                ["id"] = "cs_test_" + tenantId.ToString("N"),
                ["object"] = "checkout.session",
                ["client_reference_id"] = tenantId.ToString(),
                ["customer"] = customer,
                ["livemode"] = false,
                ["mode"] = "subscription",
                ["payment_status"] = "unpaid",
                ["status"] = "open",
                ["url"] = $"https://checkout.stripe.com/c/pay/cs_test_{tenantId:N}",
            }));
        stripe.Given(Request.Create().WithPath("/v1/billing_portal/sessions").UsingPost().WithBody(new WildcardMatcher($"*{customer}*")))
            .RespondWith(Json(new Dictionary<string, object?>
            {
                ["id"] = "bps_" + tenantId.ToString("N")[..14],
                ["object"] = "billing_portal.session",
                ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
                ["customer"] = customer,
                ["livemode"] = false,
                ["return_url"] = "https://example.test/settings/billing",
                ["url"] = $"https://billing.stripe.com/p/session/test_{tenantId:N}",
            }));
    }

    /// <summary>The form fields of the requests Stripe received at <paramref name="path"/> that mention <paramref name="needle"/>.</summary>
    public static List<Dictionary<string, StringValues>> Received(this WireMockServer stripe, string path, string needle) =>
        [.. stripe.LogEntries
            .Where(entry => entry.RequestMessage.Path == path && (entry.RequestMessage.Body ?? "").Contains(needle, StringComparison.Ordinal))
            .Select(entry => QueryHelpers.ParseQuery(entry.RequestMessage.Body))];

    private static IResponseBuilder Json(object body) =>
        Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithHeader("Request-Id", "req_" + Guid.NewGuid().ToString("N")[..14])
            .WithBody(JsonSerializer.Serialize(body));
}
