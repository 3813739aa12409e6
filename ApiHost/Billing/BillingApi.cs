using M3CoreCRM.ApiHost.Conventions;
using M3CoreCRM.ApiHost.Errors;
using M3CoreCRM.ApiHost.Identity;
using M3CoreCRM.Grains.Abstractions.Billing;
using M3CoreCRM.Grains.Abstractions.Identity;
using M3CoreCRM.Grains.Abstractions.Tenancy;
using Stripe;

namespace M3CoreCRM.ApiHost.Billing;

/// <summary>The tenant's plan, its status, limits and usage.</summary>
public sealed record BillingView(string Plan, string Status, PlanLimits Limits, PlanCounts Usage, string? BillingEmail, bool StripeConfigured);

public sealed record CheckoutRequest(string? Plan);

public sealed record SessionUrl(string Url);

/// <summary>The tenant's Stripe settings: where invoices go and its Stripe customer (read-only). No secret is kept per tenant.</summary>
public sealed record StripeIntegrationView(string? BillingEmail, string? CustomerId, string Plan, string Status, bool Configured, long Version);

public sealed record StripeIntegrationRequest(string? BillingEmail);

/// <summary>Plans, Stripe Checkout and Billing Portal sessions, and the tenant's Stripe settings.</summary>
public static class BillingApi
{
    private const string NotConfigured = "billing_not_configured";

    public static RouteGroupBuilder MapBillingApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapTenantGroup("/api/v1/billing", "Billing");
        group.MapGet("", GetAsync).WithName("GetBilling").WithSummary("Get the plan, its limits and usage").RequirePermission(Permissions.BillingManage)
            .WithDescription("The plan (free, pro, enterprise), its status as Stripe reports it (active, past_due, canceled, ...), its limits (null: no limit) and what is used of them: seats (active and invited users), leads, units. Creating past a limit is 403 plan_limit, with `limit` naming it.");
        group.MapPost("/checkout", CheckoutAsync).WithName("StartCheckout").WithSummary("Start a Stripe Checkout for a plan").RequirePermission(Permissions.BillingManage)
            .WithDescription("Creates (or reuses) the tenant's Stripe customer and a Checkout Session in subscription mode for the plan (pro or enterprise), with the tenant id as client_reference_id; answers its URL. The plan changes when Stripe's webhook reports the subscription. Without Stripe configured on the server (or without a price for the plan): 503 billing_not_configured, and nothing changes. Stripe refusing: 502 provider_error.")
            .Produces<SessionUrl>().ProducesProblem(StatusCodes.Status502BadGateway);
        group.MapPost("/portal", PortalAsync).WithName("OpenBillingPortal").WithSummary("Open the Stripe Billing Portal").RequirePermission(Permissions.BillingManage)
            .WithDescription("A Stripe Billing Portal session for the tenant's customer (created if there is none yet), to change or cancel the plan and see invoices; answers its URL. Without Stripe configured: 503 billing_not_configured. Stripe refusing: 502 provider_error.")
            .Produces<SessionUrl>().ProducesProblem(StatusCodes.Status502BadGateway);

        var stripe = endpoints.MapTenantGroup("/api/v1/integrations/stripe", "Billing");
        stripe.MapGet("", GetStripeAsync).WithName("GetStripeIntegration").WithSummary("Get the Stripe settings").RequirePermission(Permissions.BillingManage)
            .WithDescription("Where invoices go and the tenant's Stripe customer id (read-only). The platform's Stripe keys are server configuration: never stored per tenant, never returned.");
        stripe.MapPut("", PutStripeAsync).WithName("UpdateStripeIntegration").WithSummary("Update the Stripe settings").RequirePermission(Permissions.BillingManage)
            .WithDescription("Sets the billing email (null clears it); audited. The customer id cannot be set.");
        return group;
    }

    private static async Task<Ok<BillingView>> GetAsync(Caller caller, IGrainFactory grains, StripeGateway stripe)
    {
        var billing = await grains.GetGrain<ITenantGrain>(caller.TenantId, caller.TenantId).GetBillingAsync();
        var usage = await grains.GetGrain<IPlanUsageGrain>(caller.TenantId, caller.TenantId).GetAsync();
        return TypedResults.Ok(new BillingView(usage.Plan, billing.Status, usage.Limits, usage.Usage, billing.BillingEmail, stripe.Settings.Configured));
    }

    private static async Task<Results<Ok<SessionUrl>, ProblemHttpResult>> CheckoutAsync(CheckoutRequest request, Caller caller, IGrainFactory grains, StripeGateway stripe, HttpRequest http, CancellationToken cancellationToken)
    {
        new Validation().Check(request.Plan is "pro" or "enterprise", "plan", "One of pro, enterprise (free needs no checkout: cancel the subscription in the billing portal).").ThrowIfInvalid();
        if (!stripe.Settings.Configured || stripe.Settings.PriceOf(request.Plan!) is not { } price)
        {
            return NotConfiguredProblem();
        }

        try
        {
            var customerId = await CustomerAsync(caller, grains, stripe, cancellationToken);
            var url = await stripe.CreateCheckoutAsync(caller.TenantId, customerId, request.Plan!, price, ReturnUrl(stripe, http), cancellationToken);
            return TypedResults.Ok(new SessionUrl(url));
        }
        catch (StripeException exception)
        {
            return ProviderProblem(exception);
        }
    }

    private static async Task<Results<Ok<SessionUrl>, ProblemHttpResult>> PortalAsync(Caller caller, IGrainFactory grains, StripeGateway stripe, HttpRequest http, CancellationToken cancellationToken)
    {
        if (!stripe.Settings.Configured)
        {
            return NotConfiguredProblem();
        }

        try
        {
            var customerId = await CustomerAsync(caller, grains, stripe, cancellationToken);
            return TypedResults.Ok(new SessionUrl(await stripe.CreatePortalAsync(customerId, ReturnUrl(stripe, http), cancellationToken)));
        }
        catch (StripeException exception)
        {
            return ProviderProblem(exception);
        }
    }

    private static async Task<Ok<StripeIntegrationView>> GetStripeAsync(Caller caller, IGrainFactory grains, StripeGateway stripe, HttpResponse response)
    {
        var billing = await grains.GetGrain<ITenantGrain>(caller.TenantId, caller.TenantId).GetBillingAsync();
        Versioning.SetETag(response, billing.Version);
        return TypedResults.Ok(View(billing, stripe));
    }

    private static async Task<Ok<StripeIntegrationView>> PutStripeAsync(StripeIntegrationRequest request, Caller caller, IGrainFactory grains, StripeGateway stripe, HttpContext context)
    {
        new Validation().Email("billingEmail", request.BillingEmail, required: false).ThrowIfInvalid();
        var billing = await grains.GetGrain<ITenantGrain>(caller.TenantId, caller.TenantId)
            .SetBillingEmailAsync(string.IsNullOrWhiteSpace(request.BillingEmail) ? null : request.BillingEmail.Trim(), Versioning.IfMatch(context.Request));
        Versioning.SetETag(context.Response, billing.Version);
        return TypedResults.Ok(View(billing, stripe));
    }

    private static StripeIntegrationView View(TenantBilling billing, StripeGateway stripe) =>
        new(billing.BillingEmail, billing.CustomerId, billing.Plan, billing.Status, stripe.Settings.Configured, billing.Version);

    /// <summary>The tenant's Stripe customer: the one it has, or a new one (kept on the tenant).</summary>
    private static async Task<string> CustomerAsync(Caller caller, IGrainFactory grains, StripeGateway stripe, CancellationToken cancellationToken)
    {
        var tenant = grains.GetGrain<ITenantGrain>(caller.TenantId, caller.TenantId);
        var billing = await tenant.GetBillingAsync();
        if (billing.CustomerId is { } existing)
        {
            return existing;
        }

        var info = await tenant.GetAsync();
        var customerId = await stripe.CreateCustomerAsync(caller.TenantId, info.Name, billing.BillingEmail, cancellationToken);
        await tenant.ApplyBillingAsync(new BillingChange(null, null, customerId, null, null, null));
        return customerId;
    }

    private static string ReturnUrl(StripeGateway stripe, HttpRequest http) =>
        stripe.Settings.ReturnUrl is { Length: > 0 } configured ? configured : $"{http.Scheme}://{http.Host}/settings/billing";

    private static ProblemHttpResult NotConfiguredProblem() => ProblemDetailsSetup.Problem(StatusCodes.Status503ServiceUnavailable, NotConfigured,
        "Billing is not set up on this server (no Stripe key, or no price for the plan); nothing was changed. The operator sets Stripe__ApiKey and Stripe__Prices__*.");

    private static ProblemHttpResult ProviderProblem(StripeException exception) => ProblemDetailsSetup.Problem(StatusCodes.Status502BadGateway, "provider_error",
        $"Stripe refused the request ({exception.StripeError?.Code ?? ((int)exception.HttpStatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture)}); nothing was changed here.");
}
