using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using M3CoreCRM.ApiHost.Identity;
using M3CoreCRM.Grains.Abstractions.Activities;
using M3CoreCRM.Grains.Abstractions.Errors;
using M3CoreCRM.Grains.Abstractions.Tenancy;
using M3CoreCRM.Grains;
using M3CoreCRM.Grains.Persistence;
using M3CoreCRM.Silo.Integrations;
using Npgsql;

namespace M3CoreCRM.ApiHost.Integrations;

/// <summary>What a webhook call changed.</summary>
public sealed record InfobipWebhookResult(int Reports, int Inbound, int Logged);

/// <summary>
/// <c>POST /api/v1/webhooks/infobip</c>: Infobip's delivery reports and inbound SMS and WhatsApp messages, for the tenant
/// named by <c>X-Tenant-Id</c> (or <c>?tenant=</c>), verified by that tenant's webhook secret.
/// </summary>
public static class InfobipWebhookApi
{
    public const string SignatureHeader = "X-M3-Signature";

    private static readonly string[] FailedGroups = ["UNDELIVERABLE", "EXPIRED", "REJECTED"];

    public static IEndpointConventionBuilder MapInfobipWebhookApi(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapPost("/api/v1/webhooks/infobip", ReceiveAsync)
            .WithName("InfobipWebhook").WithTags("Integrations").WithSummary("Receive Infobip delivery reports and inbound messages")
            .WithDescription(
                "No user authentication: the tenant is named by `X-Tenant-Id` (or `?tenant=`, its id or slug), and the call is verified by the tenant's Infobip " +
                $"`webhookSecret`: the header `{SignatureHeader}: sha256=<hex>` must be the HMAC-SHA256 of the raw request body under that secret (compared in constant time). " +
                "A bad or missing signature, or a tenant without a webhook secret, is 400 invalid_signature and changes nothing. " +
                "The body is Infobip's `{ results: [...] }`: a result with `status` is a delivery report and updates the delivery whose message id it names " +
                "(UNDELIVERABLE, EXPIRED and REJECTED mark it `failed`); a result with `text` (SMS) or `message.text` (WhatsApp) is an inbound message, logged as an " +
                "`sms` or `whatsapp` activity on the open lead, or else the contact, whose phone is the sender's. Repeated calls log nothing twice.")
            .Accepts<JsonElement>("application/json")
            .AllowAnonymous()
            .WithMetadata(new OpenApi.TakesTenantHeader());

    private static async Task<Ok<InfobipWebhookResult>> ReceiveAsync(
        HttpContext context, TenantDirectory tenants, IntegrationStore store, NpgsqlDataSource db, IGrainFactory grains, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, cancellationToken);
        var body = buffer.ToArray();

        var tenantName = context.Request.Headers["X-Tenant-Id"].ToString() is { Length: > 0 } header ? header : context.Request.Query["tenant"].ToString();
        var tenant = tenantName.Length > 0 ? await tenants.FindAsync(tenantName, cancellationToken) : null;
        var settings = tenant is null ? null : await store.InfobipAsync(tenant.Id, cancellationToken);
        if (tenant is null || settings?.WebhookSecret is not { } secret || !SignatureIsValid(context.Request.Headers[SignatureHeader].ToString(), secret, body))
        {
            throw new DomainException(DomainErrorKind.Invalid, "invalid_signature", $"The {SignatureHeader} header is missing or is not the signature of this body under the tenant's webhook secret.");
        }

        JsonElement results;
        try
        {
            using var document = JsonDocument.Parse(body);
            results = document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("results", out var found) && found.ValueKind == JsonValueKind.Array
                ? found.Clone()
                : throw DomainException.Invalid("results", "The body must be an object with a `results` array.");
        }
        catch (JsonException)
        {
            throw DomainException.Invalid("body", "The body is not JSON.");
        }

        int reports = 0, inbound = 0, logged = 0;
        foreach (var result in results.EnumerateArray())
        {
            if (result.ValueKind != JsonValueKind.Object || Text(result, "messageId") is not { } messageId)
            {
                continue;
            }

            if (result.TryGetProperty("status", out var status) && status.ValueKind == JsonValueKind.Object)
            {
                reports++;
                await ReportAsync(db, tenant.Id, messageId, status, result, cancellationToken);
            }
            else if (Text(result, "from") is { } from && (Text(result, "text") ?? (result.TryGetProperty("message", out var message) ? Text(message, "text") : null)) is { } text)
            {
                inbound++;
                var whatsapp = result.TryGetProperty("message", out _) || string.Equals(Text(result, "integrationType"), "WHATSAPP", StringComparison.OrdinalIgnoreCase);
                if (await LogInboundAsync(db, grains, tenant.Id, messageId, from, text, whatsapp, context, cancellationToken))
                {
                    logged++;
                }
            }
        }

        return TypedResults.Ok(new InfobipWebhookResult(reports, inbound, logged));
    }

    private static bool SignatureIsValid(string header, string secret, byte[] body)
    {
        const string Prefix = "sha256=";
        if (!header.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        byte[] given;
        try
        {
            given = Convert.FromHexString(header.AsSpan(Prefix.Length).Trim());
        }
        catch (FormatException)
        {
            return false;
        }

        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body);
        return CryptographicOperations.FixedTimeEquals(given, expected);
    }

    private static async Task ReportAsync(NpgsqlDataSource db, Guid tenantId, string messageId, JsonElement status, JsonElement result, CancellationToken cancellationToken)
    {
        var group = Text(status, "groupName") ?? "UNKNOWN";
        var name = Text(status, "name");
        var failed = FailedGroups.Contains(group, StringComparer.OrdinalIgnoreCase);
        var error = result.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.Object ? Text(e, "description") ?? Text(e, "name") : null;
        await using var batch = db.ForTenant(tenantId);
        batch.Add("""
            UPDATE deliveries SET provider_status = $3,
                status = CASE WHEN $4 AND status = 'sent' THEN 'failed' ELSE status END,
                last_error = CASE WHEN $4 THEN $5 ELSE last_error END,
                updated_at = clock_timestamp()
            WHERE tenant_id = $1 AND provider_message_id = $2
            """).With(tenantId).With(messageId).With(name is null ? group : $"{group}: {name}").With(failed)
            .WithText(failed ? $"Infobip reported {group}{(name is null ? "" : $" ({name})")}{(error is null ? "" : $": {error}")}" : null);
        await batch.ExecuteAsync(cancellationToken);
    }

    private static async Task<bool> LogInboundAsync(
        NpgsqlDataSource db, IGrainFactory grains, Guid tenantId, string messageId, string from, string text, bool whatsapp, HttpContext context, CancellationToken cancellationToken)
    {
        var phone = "+" + new string([.. from.Where(char.IsAsciiDigit)]);
        await using var batch = db.ForTenant(tenantId);
        batch.Add("""
            (SELECT 'lead', id, owner_id FROM leads WHERE tenant_id = $1 AND phone = $2 AND NOT deleted ORDER BY (category = 'open') DESC, created_at DESC LIMIT 1)
            UNION ALL
            (SELECT 'contact', id, owner_id FROM contacts WHERE tenant_id = $1 AND state -> 'phones' ? $2 AND NOT deleted ORDER BY created_at DESC LIMIT 1)
            """).With(tenantId).With(phone);
        (string Type, Guid Id, Guid Owner)? subject = null;
        await using (var reader = await batch.ReadAsync(cancellationToken))
        {
            if (await reader.ReadAsync(cancellationToken))
            {
                subject = (reader.GetString(0), reader.GetGuid(1), reader.IsDBNull(2) ? Guid.Empty : reader.GetGuid(2));
            }
        }

        if (subject is not { } found)
        {
            return false;
        }

        // The same inbound message (Infobip retries its webhooks) is the same activity.
        var id = DerivedIds.Create(string.Create(CultureInfo.InvariantCulture, $"infobip-inbound:{tenantId:N}:{messageId}"));
        using var caller = CallerContext.Begin(tenantId, null, context.Connection.RemoteIpAddress?.ToString());
        await grains.GetGrain<IActivityGrain>(tenantId, id).CreateAsync(new NewActivity(
            whatsapp ? ActivityType.Whatsapp : ActivityType.Sms, new ActivitySubject(found.Type, found.Id), DateTime.UtcNow, null, "inbound",
            text.Length > 10_000 ? text[..10_000] : text, found.Owner));
        return true;
    }


    private static string? Text(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
