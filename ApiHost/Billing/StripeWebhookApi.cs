using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using M3CoreCRM.ApiHost.Errors;
using M3CoreCRM.Grains.Abstractions.Identity;
using M3CoreCRM.Grains.Abstractions.Tenancy;
using M3CoreCRM.Grains.Persistence;
using Npgsql;

namespace M3CoreCRM.ApiHost.Billing;

public sealed record WebhookReceipt(bool Received, bool Duplicate);

/// <summary>
/// <c>POST /webhooks/stripe</c>: Stripe's events about subscriptions and invoices. Verified by <c>Stripe-Signature</c>
/// (HMAC-SHA256 of <c>t.body</c> with the webhook secret, 5 minutes' tolerance, compared in constant time), handled
/// once per event id (<c>stripe_events</c>), and applied to the tenant whose Stripe customer it names.
/// </summary>
public static partial class StripeWebhookApi
{
    public static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    public static RouteHandlerBuilder MapStripeWebhookApi(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapPost("/api/v1/webhooks/stripe", ReceiveAsync).WithName("StripeWebhook").WithSummary("Receive a Stripe event").WithTags("Billing")
            .WithDescription("For Stripe only: no bearer token and no X-Tenant-Id; the `Stripe-Signature` header (t=...,v1=HMAC-SHA256 of `t.body` with the webhook secret) is checked, with 5 minutes' tolerance. A missing, bad or stale signature, or a body that is no Stripe event: 400 invalid_signature or validation_failed, and nothing changes. Each event id is handled once: a replay answers 200 and changes nothing. customer.subscription.created/updated/deleted set the tenant's plan (from the price) and status; invoice.paid and invoice.payment_failed set the status to active or past_due. Without a webhook secret configured: 503 billing_not_configured.")
            .Accepts<JsonElement>("application/json")
            .Produces<WebhookReceipt>();

    private static async Task<Results<Ok<WebhookReceipt>, ProblemHttpResult>> ReceiveAsync(
        HttpRequest request, StripeGateway stripe, NpgsqlDataSource dataSource, IGrainFactory grains, TimeProvider time, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var settings = stripe.Settings;
        if (string.IsNullOrEmpty(settings.WebhookSecret))
        {
            return ProblemDetailsSetup.Problem(StatusCodes.Status503ServiceUnavailable, "billing_not_configured", "Stripe webhooks are not set up on this server (no Stripe__WebhookSecret).");
        }

        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken);
        var body = buffer.ToArray();
        if (!SignatureIsValid(request.Headers["Stripe-Signature"].ToString(), body, settings.WebhookSecret, time.GetUtcNow()))
        {
            return ProblemDetailsSetup.Problem(StatusCodes.Status400BadRequest, "invalid_signature", "The Stripe-Signature header is missing, does not match the body, or is older than 5 minutes.");
        }

        StripeEvent? stripeEvent;
        try
        {
            stripeEvent = StripeEvent.Parse(body, settings);
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException or FormatException or KeyNotFoundException)
        {
            stripeEvent = null;
        }

        if (stripeEvent is null)
        {
            return ProblemDetailsSetup.Problem(StatusCodes.Status400BadRequest, "validation_failed", "The body is not a Stripe event (id, type, created and data.object are required).");
        }

        if (await HandledAsync(dataSource, stripeEvent.Id, cancellationToken))
        {
            return TypedResults.Ok(new WebhookReceipt(true, true));
        }

        var tenantId = await TenantOfAsync(dataSource, grains, stripeEvent, cancellationToken);
        if (tenantId is { } tenant && stripeEvent.Change is { } change)
        {
            using var context = CallerContext.Begin(tenant, null, request.HttpContext.Connection.RemoteIpAddress?.ToString());
            await grains.GetGrain<ITenantGrain>(tenant, tenant).ApplyBillingAsync(change);
        }
        else if (stripeEvent.Change is not null)
        {
            LogUnknownCustomer(loggers.CreateLogger(typeof(StripeWebhookApi)), stripeEvent.Id, stripeEvent.Type);
        }

        await using var batch = dataSource.ForSystem();
        batch.Add("INSERT INTO stripe_events (event_id, tenant_id, type) VALUES ($1, $2, $3) ON CONFLICT (event_id) DO NOTHING")
            .With(stripeEvent.Id).With(tenantId).With(stripeEvent.Type);
        await batch.ExecuteAsync(cancellationToken);
        return TypedResults.Ok(new WebhookReceipt(true, false));
    }

    /// <summary>Stripe's scheme: <c>t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256(secret, t + "." + body)&gt;</c>, any v1 may match.</summary>
    public static bool SignatureIsValid(string header, byte[] body, string secret, DateTimeOffset now)
    {
        string? timestamp = null;
        var signatures = new List<byte[]>();
        foreach (var part in header.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                continue;
            }

            var (key, value) = (part[..equals], part[(equals + 1)..]);
            if (key == "t")
            {
                timestamp = value;
            }
            else if (key == "v1" && value.Length == 64)
            {
                try
                {
                    signatures.Add(Convert.FromHexString(value));
                }
                catch (FormatException)
                {
                    // Not hex: cannot match.
                }
            }
        }

        if (timestamp is null || signatures.Count == 0 || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || seconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds()
            || (now - DateTimeOffset.FromUnixTimeSeconds(seconds)).Duration() > Tolerance)
        {
            return false;
        }

        var signed = new byte[timestamp.Length + 1 + body.Length];
        Encoding.ASCII.GetBytes(timestamp + ".", signed);
        body.CopyTo(signed, timestamp.Length + 1);
        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed);
        var matched = false;
        foreach (var signature in signatures)
        {
            matched |= CryptographicOperations.FixedTimeEquals(expected, signature);
        }

        return matched;
    }

    private static async Task<bool> HandledAsync(NpgsqlDataSource dataSource, string eventId, CancellationToken cancellationToken)
    {
        await using var batch = dataSource.ForSystem();
        batch.Add("SELECT 1 FROM stripe_events WHERE event_id = $1").With(eventId);
        return await batch.ScalarAsync(cancellationToken) is not null;
    }

    /// <summary>The tenant whose Stripe customer the event names, or (a subscription made by our Checkout) whose id its metadata carries.</summary>
    private static async Task<Guid?> TenantOfAsync(NpgsqlDataSource dataSource, IGrainFactory grains, StripeEvent stripeEvent, CancellationToken cancellationToken)
    {
        if (stripeEvent.CustomerId is { } customerId)
        {
            await using var batch = dataSource.ForSystem();
            batch.Add("SELECT tenant_id FROM tenants WHERE stripe_customer_id = $1").With(customerId);
            if (await batch.ScalarAsync(cancellationToken) is Guid tenantId)
            {
                return tenantId;
            }
        }

        if (stripeEvent.MetadataTenantId is { } named)
        {
            using var context = CallerContext.Begin(named, null, null);
            try
            {
                var billing = await grains.GetGrain<ITenantGrain>(named, named).GetBillingAsync();
                return billing.CustomerId is null || billing.CustomerId == stripeEvent.CustomerId ? named : null;
            }
            catch (Grains.Abstractions.Errors.DomainException exception) when (exception.Code == "not_found")
            {
                return null;
            }
        }

        return null;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stripe event {EventId} ({Type}) names no tenant's customer; recorded and ignored")]
    private static partial void LogUnknownCustomer(ILogger logger, string eventId, string type);
}

/// <summary>What the webhook reads of a Stripe event, and the billing change it asks for (null: nothing to apply).</summary>
public sealed record StripeEvent(string Id, string Type, string? CustomerId, Guid? MetadataTenantId, BillingChange? Change)
{
    /// <summary>Subscription statuses that leave the tenant without a paid plan.</summary>
    private static readonly HashSet<string> Ended = new(StringComparer.Ordinal) { "canceled", "incomplete_expired" };

    public static StripeEvent? Parse(byte[] body, StripeSettings settings)
    {
        using var document = JsonDocument.Parse(body);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("id", out var id) || id.ValueKind != JsonValueKind.String
            || !root.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String
            || !root.TryGetProperty("created", out var created) || !created.TryGetInt64(out var createdSeconds)
            || !root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object
            || !data.TryGetProperty("object", out var item) || item.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var at = DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(createdSeconds, 0, 253402300799));
        var customerId = Text(item, "customer") ?? (item.TryGetProperty("customer", out var customer) && customer.ValueKind == JsonValueKind.Object ? Text(customer, "id") : null);
        var metadataTenant = item.TryGetProperty("metadata", out var metadata) && metadata.ValueKind == JsonValueKind.Object && Guid.TryParse(Text(metadata, "tenant_id"), out var named) ? named : (Guid?)null;
        var eventId = id.GetString()!;
        BillingChange? change = type.GetString() switch
        {
            "customer.subscription.created" or "customer.subscription.updated" => Subscription(item, settings, at, eventId),
            "customer.subscription.deleted" => new BillingChange("free", "canceled", customerId, Text(item, "id"), at, eventId, EndsSubscription: true),
            "invoice.paid" => new BillingChange(null, "active", customerId, null, at, eventId),
            "invoice.payment_failed" => new BillingChange(null, "past_due", customerId, null, at, eventId),
            _ => null,
        };
        return new StripeEvent(eventId, type.GetString()!, customerId, metadataTenant, change);
    }

    private static BillingChange Subscription(JsonElement subscription, StripeSettings settings, DateTimeOffset at, string eventId)
    {
        var status = Text(subscription, "status");
        string? priceId = null;
        if (subscription.TryGetProperty("items", out var items) && items.ValueKind == JsonValueKind.Object
            && items.TryGetProperty("data", out var list) && list.ValueKind == JsonValueKind.Array)
        {
            foreach (var line in list.EnumerateArray())
            {
                if (line.ValueKind == JsonValueKind.Object && line.TryGetProperty("price", out var price) && price.ValueKind == JsonValueKind.Object
                    && settings.PlanOf(Text(price, "id")) is not null)
                {
                    priceId = Text(price, "id");
                    break;
                }
            }
        }

        // A price this server does not sell leaves the plan as it is; an ended subscription leaves the free plan.
        var plan = status is not null && Ended.Contains(status) ? "free" : settings.PlanOf(priceId);
        return new BillingChange(plan, status, null, Text(subscription, "id"), at, eventId);
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
