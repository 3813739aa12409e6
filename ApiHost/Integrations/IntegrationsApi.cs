using System.Text.Json.Nodes;
using M3CoreCRM.ApiHost.Conventions;
using M3CoreCRM.ApiHost.Identity;
using M3CoreCRM.Grains.Abstractions.Errors;
using M3CoreCRM.Grains.Abstractions.Identity;
using M3CoreCRM.Grains.Abstractions.Tenancy;
using M3CoreCRM.Silo.Integrations;

namespace M3CoreCRM.ApiHost.Integrations;

/// <summary>A write-only secret as the API shows it: whether one is stored, never its value.</summary>
public sealed record SecretState(bool Set);

public sealed record EmailSettingsView(
    bool Configured, string? Host, int? Port, string? TlsMode, string? User, SecretState Password, string? FromAddress, string? FromName, long Version, DateTimeOffset? UpdatedAt);

public sealed record InfobipSettingsView(
    bool Configured, string? BaseUrl, SecretState ApiKey, string? SmsSender, string? WhatsappSender, SecretState WebhookSecret, long Version, DateTimeOffset? UpdatedAt);

public sealed record EmailSettingsRequest(string? Host, int? Port, string? TlsMode, string? User, string? Password, string? FromAddress, string? FromName);

public sealed record InfobipSettingsRequest(string? BaseUrl, string? ApiKey, string? SmsSender, string? WhatsappSender, string? WebhookSecret);

public sealed record IntegrationTestRequest(string? Channel);

/// <summary>What a provider said to a test message: <c>delivered</c> true with its message id, or false with its error.</summary>
public sealed record IntegrationTestResult(bool Delivered, string Channel, string To, string? ProviderMessageId, string? Detail);

/// <summary>
/// Per-tenant integration settings (email over SMTP, Infobip SMS and WhatsApp), their test messages, and the delivery
/// outbox. Secrets are write-only: PUT takes them, GET shows <c>{ "set": true }</c>.
/// </summary>
public static partial class IntegrationsApi
{
    private const string SecretRules =
        "Secrets are write-only: absent or null keeps the stored one, an empty string removes it, any other value replaces it; " +
        "they are encrypted at rest and never returned, logged or audited (the audit entry `integration.updated` names the fields that changed). " +
        "The whole document is replaced otherwise. Honours If-Match.";

    public static RouteGroupBuilder MapIntegrationsApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapTenantGroup("/api/v1/integrations", "Integrations").RequirePermission(Permissions.IntegrationsManage);
        group.MapGet("/email", GetEmailAsync).WithName("GetEmailIntegration").WithSummary("Get the email (SMTP) settings")
            .WithDescription("The tenant's SMTP settings; `configured` is false while none are saved (email then goes to the development outbox). The password shows only as `{ \"set\": true }`.");
        group.MapPut("/email", PutEmailAsync).WithName("ReplaceEmailIntegration").WithSummary("Replace the email (SMTP) settings")
            .WithDescription("`host`, `port` (1-65535), `tlsMode` (`none`, `starttls` or `tls`) and `fromAddress` are required; `user`, `password` (secret) and `fromName` are optional. " + SecretRules);
        group.MapGet("/infobip", GetInfobipAsync).WithName("GetInfobipIntegration").WithSummary("Get the Infobip (SMS, WhatsApp) settings")
            .WithDescription("The tenant's Infobip settings; `configured` is false while none are saved. `apiKey` and `webhookSecret` show only as `{ \"set\": true }`.");
        group.MapPut("/infobip", PutInfobipAsync).WithName("ReplaceInfobipIntegration").WithSummary("Replace the Infobip (SMS, WhatsApp) settings")
            .WithDescription("`baseUrl` (the account's API base URL) and `apiKey` (secret) are required; `smsSender` and `whatsappSender` enable those channels; " +
                "`webhookSecret` (secret, at least 16 characters) verifies `POST /api/v1/webhooks/infobip`. " + SecretRules);
        MapVoipSettings(group);
        group.MapPost("/{name}/test", TestAsync).WithName("TestIntegration").WithSummary("Send a test message to the caller")
            .WithDescription("Sends a test message through the named integration (`email` or `infobip`) to the caller: an email to their address, or for Infobip an SMS " +
                "(or, with `{ \"channel\": \"whatsapp\" }`, a WhatsApp message) to their mobile. Sent at once, not through the outbox. Always 200 when the provider was asked: " +
                "`delivered` true with the provider's message id, or false with the provider's error in `detail`. 409 not_configured while the integration has no settings. " +
                "For `voip`, a test call rings the caller's own agent number and says that the settings work (`channel` `call`, the provider's call id as the message id); " +
                "400 naming `agentNumber` when the caller has none.");
        group.MapGet("/deliveries", ListDeliveriesAsync).WithName("ListDeliveries").WithSummary("List the delivery outbox")
            .WithDescription("Email, SMS and WhatsApp messages that went through a configured provider, newest first, with their status (`pending`, `sending`, `sent`, `failed`), " +
                "tries and last error. `status=failed` lists those given up after the last try. Bodies are never shown.");
        return group;
    }

    private static async Task<Ok<EmailSettingsView>> GetEmailAsync(Caller caller, IntegrationStore store, HttpResponse response, CancellationToken cancellationToken)
    {
        var stored = await store.ReadAsync(caller.TenantId, IntegrationNames.Email, cancellationToken);
        Versioning.SetETag(response, stored?.Version ?? 0);
        return TypedResults.Ok(EmailView(stored));
    }

    private static async Task<Ok<InfobipSettingsView>> GetInfobipAsync(Caller caller, IntegrationStore store, HttpResponse response, CancellationToken cancellationToken)
    {
        var stored = await store.ReadAsync(caller.TenantId, IntegrationNames.Infobip, cancellationToken);
        Versioning.SetETag(response, stored?.Version ?? 0);
        return TypedResults.Ok(InfobipView(stored));
    }

    private static async Task<Ok<EmailSettingsView>> PutEmailAsync(
        EmailSettingsRequest request, Caller caller, IntegrationStore store, AuditWriter audit, HttpContext context, CancellationToken cancellationToken)
    {
        var validation = new Validation()
            .Required("host", request.Host, 255)
            .Check(request.Port is >= 1 and <= 65535, "port", "Required, from 1 to 65535.")
            .Check(request.TlsMode is "none" or "starttls" or "tls", "tlsMode", "One of: none, starttls, tls.")
            .Optional("user", request.User, 255)
            .Check(request.Password is null || request.Password.Length <= 1024, "password", "At most 1024 characters.")
            .Email("fromAddress", request.FromAddress)
            .Optional("fromName", request.FromName, 200);
        validation.ThrowIfInvalid();
        var settings = new JsonObject
        {
            ["host"] = request.Host!.Trim(),
            ["port"] = request.Port,
            ["tlsMode"] = request.TlsMode,
            ["user"] = request.User,
            ["fromAddress"] = request.FromAddress!.Trim(),
            ["fromName"] = request.FromName,
        };
        var secrets = Secrets(("password", request.Password));
        var stored = await SaveAsync(caller, store, audit, context, IntegrationNames.Email, settings, secrets, cancellationToken);
        return TypedResults.Ok(EmailView(stored));
    }

    private static async Task<Ok<InfobipSettingsView>> PutInfobipAsync(
        InfobipSettingsRequest request, Caller caller, IntegrationStore store, AuditWriter audit, HttpContext context, CancellationToken cancellationToken)
    {
        var current = await store.ReadAsync(caller.TenantId, IntegrationNames.Infobip, cancellationToken);
        var validation = new Validation()
            .Required("baseUrl", request.BaseUrl, 500)
            .Check(request.BaseUrl is null || (Uri.TryCreate(request.BaseUrl, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http"), "baseUrl", "An http or https URL.")
            .Check(request.ApiKey is { Length: > 0 } || (request.ApiKey is null && current?.ProtectedSecrets.ContainsKey("apiKey") == true), "apiKey", "Required (none is stored yet).")
            .Check(request.ApiKey is null || request.ApiKey.Length <= 500, "apiKey", "At most 500 characters.")
            .Optional("smsSender", request.SmsSender, 50)
            .Optional("whatsappSender", request.WhatsappSender, 50)
            .Check(request.WebhookSecret is null || request.WebhookSecret.Length == 0 || request.WebhookSecret.Length is >= 16 and <= 200, "webhookSecret", "From 16 to 200 characters.");
        validation.ThrowIfInvalid();
        var settings = new JsonObject
        {
            ["baseUrl"] = request.BaseUrl!.Trim().TrimEnd('/'),
            ["smsSender"] = request.SmsSender,
            ["whatsappSender"] = request.WhatsappSender,
        };
        var secrets = Secrets(("apiKey", request.ApiKey), ("webhookSecret", request.WebhookSecret));
        var stored = await SaveAsync(caller, store, audit, context, IntegrationNames.Infobip, settings, secrets, cancellationToken);
        return TypedResults.Ok(InfobipView(stored));
    }

    private static Dictionary<string, string> Secrets(params (string Field, string? Value)[] fields) =>
        fields.Where(f => f.Value is not null).ToDictionary(f => f.Field, f => f.Value!, StringComparer.Ordinal);

    private static async Task<StoredIntegration> SaveAsync(
        Caller caller, IntegrationStore store, AuditWriter audit, HttpContext context, string name, JsonObject settings, Dictionary<string, string> secrets,
        CancellationToken cancellationToken)
    {
        var ifMatch = Versioning.IfMatch(context.Request);
        var before = await store.ReadAsync(caller.TenantId, name, cancellationToken);
        var version = await store.SaveAsync(caller.TenantId, name, settings, secrets, ifMatch ?? before?.Version ?? 0, cancellationToken)
            ?? throw new DomainException(DomainErrorKind.Conflict, "version_mismatch", "The settings were changed since the version named; read them again.");

        // The audit entry names the fields that changed, never a value of a secret.
        var changed = settings.Where(field => !JsonNode.DeepEquals(field.Value, before?.Settings[field.Key])).Select(field => field.Key)
            .Concat(secrets.Keys.Where(field => secrets[field].Length > 0 || before?.ProtectedSecrets.ContainsKey(field) == true))
            .Order(StringComparer.Ordinal).ToArray();
        await audit.WriteAsync(caller.TenantId, caller.UserId, caller.ClientAddress, "integration.updated", "integration", null,
            new { integration = name, version, fields = changed }, cancellationToken);

        var stored = await store.ReadAsync(caller.TenantId, name, cancellationToken);
        Versioning.SetETag(context.Response, stored!.Version);
        return stored;
    }

    private static async Task<Ok<IntegrationTestResult>> TestAsync(
        string name, IntegrationTestRequest? request, Caller caller, IGrainFactory grains, IntegrationStore store, DeliverySenders senders, VoipProviders voip,
        CancellationToken cancellationToken)
    {
        if (name == IntegrationNames.Voip)
        {
            return await TestVoipAsync(caller, store, voip, cancellationToken);
        }

        var channel = name switch
        {
            IntegrationNames.Email => "email",
            IntegrationNames.Infobip => request?.Channel ?? "sms",
            _ => throw DomainException.NotFound("The integration"),
        };
        new Validation().Check(name != IntegrationNames.Infobip || channel is "sms" or "whatsapp", "channel", "One of: sms, whatsapp.").ThrowIfInvalid();
        if (!await store.HasProviderAsync(caller.TenantId, channel, cancellationToken))
        {
            throw new DomainException(DomainErrorKind.Conflict, "not_configured", $"The {name} integration has no settings for {channel} yet.");
        }

        var user = await grains.GetGrain<IUserGrain>(caller.TenantId, caller.UserId).GetAsync();
        var to = channel == "email" ? user.Email : user.Mobile;
        if (string.IsNullOrEmpty(to))
        {
            throw DomainException.Invalid("mobile", "Your profile has no mobile number to send the test to.");
        }

        var text = $"This is a test message from M3CoreCRM ({channel} through {name}).";
        var message = new DeliveryMessage(caller.TenantId, Guid.CreateVersion7(), channel, to, "M3CoreCRM test message",
            new DeliveryContent(text, channel == "email" ? $"<p>{System.Net.WebUtility.HtmlEncode(text)}</p>" : null));
        try
        {
            var id = await senders.SendAsync(message, cancellationToken);
            return TypedResults.Ok(new IntegrationTestResult(true, channel, to, id, null));
        }
        catch (Exception exception) when (exception is PermanentDeliveryException or TransientDeliveryException)
        {
            return TypedResults.Ok(new IntegrationTestResult(false, channel, to, null, exception.Message));
        }
    }

    private static EmailSettingsView EmailView(StoredIntegration? stored) => new(
        stored is not null,
        Text(stored, "host"),
        stored?.Settings["port"]?.GetValue<int>(),
        Text(stored, "tlsMode"),
        Text(stored, "user"),
        new SecretState(stored?.ProtectedSecrets.ContainsKey("password") == true),
        Text(stored, "fromAddress"),
        Text(stored, "fromName"),
        stored?.Version ?? 0,
        stored?.UpdatedAt);

    private static InfobipSettingsView InfobipView(StoredIntegration? stored) => new(
        stored is not null,
        Text(stored, "baseUrl"),
        new SecretState(stored?.ProtectedSecrets.ContainsKey("apiKey") == true),
        Text(stored, "smsSender"),
        Text(stored, "whatsappSender"),
        new SecretState(stored?.ProtectedSecrets.ContainsKey("webhookSecret") == true),
        stored?.Version ?? 0,
        stored?.UpdatedAt);

    private static string? Text(StoredIntegration? stored, string field) =>
        stored?.Settings[field] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
}
