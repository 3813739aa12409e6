using Microsoft.Extensions.Options;
using Stripe;

namespace M3CoreCRM.ApiHost.Billing;

/// <summary>Calls Stripe's API (Stripe.net) for the platform's account: customers, Checkout and Billing Portal sessions.</summary>
public sealed class StripeGateway(IOptionsMonitor<StripeSettings> options, IHttpClientFactory httpClients)
{
    public const string HttpClientName = "stripe";

    public StripeSettings Settings => options.CurrentValue;

    /// <summary>Creates the tenant's customer; the idempotency key makes two racing requests get the same one.</summary>
    public async Task<string> CreateCustomerAsync(Guid tenantId, string name, string? email, CancellationToken cancellationToken)
    {
        var customer = await new CustomerService(Client()).CreateAsync(
            new CustomerCreateOptions { Name = name, Email = email, Metadata = new Dictionary<string, string> { ["tenant_id"] = tenantId.ToString() } },
            new RequestOptions { IdempotencyKey = $"m3-customer-{tenantId}" },
            cancellationToken);
        return customer.Id;
    }

    /// <summary>A Checkout Session in subscription mode for <paramref name="priceId"/>; answers its URL.</summary>
    public async Task<string> CreateCheckoutAsync(Guid tenantId, string customerId, string plan, string priceId, string returnUrl, CancellationToken cancellationToken)
    {
        var metadata = new Dictionary<string, string> { ["tenant_id"] = tenantId.ToString(), ["plan"] = plan };
        var session = await new Stripe.Checkout.SessionService(Client()).CreateAsync(
            new Stripe.Checkout.SessionCreateOptions
            {
                Mode = "subscription",
                Customer = customerId,
                ClientReferenceId = tenantId.ToString(),
                LineItems = [new Stripe.Checkout.SessionLineItemOptions { Price = priceId, Quantity = 1 }],
                SuccessUrl = Append(returnUrl, "checkout=success"),
                CancelUrl = Append(returnUrl, "checkout=canceled"),
                Metadata = metadata,
                SubscriptionData = new Stripe.Checkout.SessionSubscriptionDataOptions { Metadata = metadata },
            },
            cancellationToken: cancellationToken);
        return session.Url;
    }

    /// <summary>A Billing Portal session for the customer; answers its URL.</summary>
    public async Task<string> CreatePortalAsync(string customerId, string returnUrl, CancellationToken cancellationToken)
    {
        var session = await new Stripe.BillingPortal.SessionService(Client()).CreateAsync(
            new Stripe.BillingPortal.SessionCreateOptions { Customer = customerId, ReturnUrl = returnUrl },
            cancellationToken: cancellationToken);
        return session.Url;
    }

    private StripeClient Client()
    {
        var settings = options.CurrentValue;
        return new StripeClient(
            apiKey: settings.ApiKey,
            httpClient: new SystemNetHttpClient(httpClients.CreateClient(HttpClientName), maxNetworkRetries: 1),
            apiBase: string.IsNullOrWhiteSpace(settings.ApiBase) ? null : settings.ApiBase.TrimEnd('/'));
    }

    private static string Append(string url, string query) => url + (url.Contains('?', StringComparison.Ordinal) ? "&" : "?") + query;
}
