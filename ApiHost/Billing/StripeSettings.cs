namespace M3CoreCRM.ApiHost.Billing;

/// <summary>The platform's Stripe account (configuration section <c>Stripe</c>); without <see cref="ApiKey"/> billing is off.</summary>
public sealed class StripeSettings
{
    public const string Section = "Stripe";

    /// <summary>The secret API key (<c>sk_...</c>). Never logged or returned.</summary>
    public string? ApiKey { get; set; }

    /// <summary>The webhook endpoint's signing secret (<c>whsec_...</c>). Never logged or returned.</summary>
    public string? WebhookSecret { get; set; }

    /// <summary>Stripe's API address; tests point it at a fake.</summary>
    public string? ApiBase { get; set; }

    /// <summary>The price ids sold, by plan.</summary>
    public PriceIds Prices { get; set; } = new();

    /// <summary>Where Checkout sends the customer back; none: <c>/settings/billing</c> on the address the request came to.</summary>
    public string? ReturnUrl { get; set; }

    public bool Configured => !string.IsNullOrWhiteSpace(ApiKey);

    public string? PriceOf(string plan) => plan switch
    {
        "pro" => Prices.Pro,
        "enterprise" => Prices.Enterprise,
        _ => null,
    } is { Length: > 0 } price ? price : null;

    public string? PlanOf(string? priceId) =>
        priceId is null ? null
        : priceId == Prices.Pro ? "pro"
        : priceId == Prices.Enterprise ? "enterprise"
        : null;

    public sealed class PriceIds
    {
        public string? Pro { get; set; }

        public string? Enterprise { get; set; }
    }
}
