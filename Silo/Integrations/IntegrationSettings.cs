using System.Text.Json;
using System.Text.Json.Nodes;
using M3CoreCRM.Grains.Persistence;
using Microsoft.AspNetCore.DataProtection;
using Npgsql;
using NpgsqlTypes;

namespace M3CoreCRM.Silo.Integrations;

/// <summary>The integrations whose settings a tenant keeps here, and the fields of each that are secrets.</summary>
public static class IntegrationNames
{
    public const string Email = "email";
    public const string Infobip = "infobip";
    public const string Voip = "voip";

    public static IReadOnlyList<string> All { get; } = [Email, Infobip, Voip];

    /// <summary>The secret fields of an integration: write-only, encrypted at rest, never returned, logged or audited.</summary>
    public static IReadOnlyList<string> SecretsOf(string name) => name switch
    {
        Email => ["password"],
        Infobip => ["apiKey", "webhookSecret"],
        Voip => ["authToken"],
        _ => [],
    };
}

/// <summary>SMTP settings of a tenant. <see cref="TlsMode"/>: none, starttls or tls.</summary>
public sealed record EmailSettings(string Host, int Port, string TlsMode, string? User, string? Password, string FromAddress, string? FromName);

/// <summary>Infobip settings of a tenant: its API base URL (<c>https://xxxxx.api.infobip.com</c>), key and senders.</summary>
public sealed record InfobipSettings(string BaseUrl, string ApiKey, string? SmsSender, string? WhatsappSender, string? WebhookSecret);

/// <summary>
/// VOIP settings of a tenant: the provider (<c>twilio</c>), its account and auth token, the caller id calls show, the
/// provider's API base URL, and each agent's own phone number (rung first on a click-to-call).
/// </summary>
public sealed record VoipSettings(string Provider, string AccountSid, string AuthToken, string FromNumber, string ApiBase, IReadOnlyList<VoipAgent> Agents)
{
    /// <summary>The agent's number, or null when the user has none.</summary>
    public string? NumberOf(Guid userId) => Agents.FirstOrDefault(a => a.UserId == userId)?.Number;
}

/// <summary>An agent's phone number (E.164) for click-to-call.</summary>
public sealed record VoipAgent(Guid UserId, string Number);

/// <summary>One stored settings document: its plain fields and which secrets are set (their values stay protected).</summary>
public sealed record StoredIntegration(long Version, JsonObject Settings, IReadOnlyDictionary<string, string> ProtectedSecrets, DateTimeOffset UpdatedAt);

/// <summary>
/// Per-tenant integration settings in <c>integration_settings</c>. Secrets are protected with ASP.NET Core Data
/// Protection under a purpose naming the tenant and the integration (a payload copied to another tenant's row does
/// not open), with the key ring in PostgreSQL (<see cref="PostgresXmlRepository"/>).
/// </summary>
public sealed class IntegrationStore(NpgsqlDataSource dataSource, IDataProtectionProvider protection)
{
    public async Task<StoredIntegration?> ReadAsync(Guid tenantId, string name, CancellationToken cancellationToken)
    {
        await using var batch = dataSource.ForTenant(tenantId);
        batch.Add("SELECT version, settings::text, secrets::text, updated_at FROM integration_settings WHERE tenant_id = $1 AND name = $2").With(tenantId).With(name);
        await using var reader = await batch.ReadAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return new StoredIntegration(
            reader.GetInt64(0),
            JsonNode.Parse(reader.GetString(1))!.AsObject(),
            JsonSerializer.Deserialize<Dictionary<string, string>>(reader.GetString(2)) ?? [],
            reader.GetFieldValue<DateTimeOffset>(3));
    }

    /// <summary>
    /// Saves the plain fields, and the secrets named in <paramref name="secretChanges"/> (a value sets one, an empty
    /// string clears it; secrets not named stay as they were). Returns the new version, or null when
    /// <paramref name="expectedVersion"/> is not the stored one.
    /// </summary>
    public async Task<long?> SaveAsync(Guid tenantId, string name, JsonObject settings, IReadOnlyDictionary<string, string> secretChanges, long? expectedVersion, CancellationToken cancellationToken)
    {
        var current = await ReadAsync(tenantId, name, cancellationToken);
        if (expectedVersion is { } expected && expected != (current?.Version ?? 0))
        {
            return null;
        }

        var protector = Protector(tenantId, name);
        var secrets = new Dictionary<string, string>(current?.ProtectedSecrets ?? new Dictionary<string, string>(), StringComparer.Ordinal);
        foreach (var (field, value) in secretChanges)
        {
            if (value.Length == 0)
            {
                secrets.Remove(field);
            }
            else
            {
                secrets[field] = protector.Protect(value);
            }
        }

        var version = (current?.Version ?? 0) + 1;
        await using var batch = dataSource.ForTenant(tenantId);
        var command = batch.Add("""
            INSERT INTO integration_settings (tenant_id, name, version, settings, secrets) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (tenant_id, name) DO UPDATE SET version = EXCLUDED.version, settings = EXCLUDED.settings, secrets = EXCLUDED.secrets,
                updated_at = clock_timestamp()
            WHERE integration_settings.version = $6
            """).With(tenantId).With(name).With(version);
        command.Parameters.Add(new NpgsqlParameter { Value = settings.ToJsonString(), NpgsqlDbType = NpgsqlDbType.Jsonb });
        command.Parameters.Add(new NpgsqlParameter { Value = JsonSerializer.Serialize(secrets), NpgsqlDbType = NpgsqlDbType.Jsonb });
        command.With(current?.Version ?? 0);
        return await batch.ExecuteAsync(cancellationToken) == 1 ? version : null;
    }

    /// <summary>The tenant's SMTP settings with the password in clear, for sending; null when email is not configured.</summary>
    public async Task<EmailSettings?> EmailAsync(Guid tenantId, CancellationToken cancellationToken)
    {
        if (await ReadAsync(tenantId, IntegrationNames.Email, cancellationToken) is not { } stored || Text(stored, "host") is not { } host || Text(stored, "fromAddress") is not { } from)
        {
            return null;
        }

        return new EmailSettings(host, stored.Settings["port"]?.GetValue<int>() ?? 587, Text(stored, "tlsMode") ?? "starttls", Text(stored, "user"),
            Secret(tenantId, IntegrationNames.Email, stored, "password"), from, Text(stored, "fromName"));
    }

    /// <summary>The tenant's Infobip settings with its secrets in clear; null when Infobip is not configured.</summary>
    public async Task<InfobipSettings?> InfobipAsync(Guid tenantId, CancellationToken cancellationToken)
    {
        if (await ReadAsync(tenantId, IntegrationNames.Infobip, cancellationToken) is not { } stored || Text(stored, "baseUrl") is not { } baseUrl
            || Secret(tenantId, IntegrationNames.Infobip, stored, "apiKey") is not { } apiKey)
        {
            return null;
        }

        return new InfobipSettings(baseUrl, apiKey, Text(stored, "smsSender"), Text(stored, "whatsappSender"), Secret(tenantId, IntegrationNames.Infobip, stored, "webhookSecret"));
    }

    /// <summary>The tenant's VOIP settings with the auth token in clear; null when VOIP is not configured.</summary>
    public async Task<VoipSettings?> VoipAsync(Guid tenantId, CancellationToken cancellationToken)
    {
        if (await ReadAsync(tenantId, IntegrationNames.Voip, cancellationToken) is not { } stored || Text(stored, "accountSid") is not { } accountSid
            || Text(stored, "fromNumber") is not { } from || Secret(tenantId, IntegrationNames.Voip, stored, "authToken") is not { } authToken)
        {
            return null;
        }

        var agents = stored.Settings["agents"] is JsonArray array
            ? array.OfType<JsonObject>()
                .Select(a => (Id: a["userId"] is JsonValue id && id.TryGetValue<string>(out var text) && Guid.TryParse(text, out var guid) ? guid : Guid.Empty, Number: a["number"]?.GetValue<string>()))
                .Where(a => a.Id != Guid.Empty && a.Number is { Length: > 0 })
                .Select(a => new VoipAgent(a.Id, a.Number!)).ToList()
            : [];
        return new VoipSettings(Text(stored, "provider") ?? "twilio", accountSid, authToken, from, Text(stored, "apiBase") ?? TwilioVoipProvider.DefaultApiBase, agents);
    }

    /// <summary>Whether the tenant has a provider for the channel (email, sms, whatsapp).</summary>
    public async Task<bool> HasProviderAsync(Guid tenantId, string channel, CancellationToken cancellationToken) => channel switch
    {
        "email" => await EmailAsync(tenantId, cancellationToken) is not null,
        "sms" => await InfobipAsync(tenantId, cancellationToken) is { SmsSender: { Length: > 0 } },
        "whatsapp" => await InfobipAsync(tenantId, cancellationToken) is { WhatsappSender: { Length: > 0 } },
        _ => false,
    };

    private static string? Text(StoredIntegration stored, string field) =>
        stored.Settings[field] is JsonValue value && value.TryGetValue<string>(out var text) && text.Length > 0 ? text : null;

    private string? Secret(Guid tenantId, string name, StoredIntegration stored, string field) =>
        stored.ProtectedSecrets.TryGetValue(field, out var payload) ? Protector(tenantId, name).Unprotect(payload) : null;

    private IDataProtector Protector(Guid tenantId, string name) =>
        protection.CreateProtector("M3CoreCRM.Integrations.v1", tenantId.ToString("N"), name);
}
