using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using M3CoreCRM.ApiHost.Conventions;
using M3CoreCRM.ApiHost.Identity;
using M3CoreCRM.Silo.Integrations;

namespace M3CoreCRM.ApiHost.Integrations;

/// <summary>An agent's own phone number, rung first on a click-to-call.</summary>
public sealed record VoipAgentView(Guid UserId, string Number);

public sealed record VoipSettingsView(
    bool Configured, string? Provider, string? AccountSid, SecretState AuthToken, string? FromNumber, string? ApiBase, IReadOnlyList<VoipAgentView> Agents, long Version, DateTimeOffset? UpdatedAt);

public sealed record VoipAgentRequest(Guid? UserId, string? Number);

public sealed record VoipSettingsRequest(string? Provider, string? AccountSid, string? AuthToken, string? FromNumber, string? ApiBase, IReadOnlyList<VoipAgentRequest?>? Agents);

public static partial class IntegrationsApi
{
    private static void MapVoipSettings(RouteGroupBuilder group)
    {
        group.MapGet("/voip", GetVoipAsync).WithName("GetVoipIntegration").WithSummary("Get the VOIP (click-to-call) settings")
            .WithDescription("The tenant's VOIP provider settings and its agents' numbers; `configured` is false while none are saved (click-to-call then answers 409 not_configured). " +
                "`authToken` shows only as `{ \"set\": true }`.");
        group.MapPut("/voip", PutVoipAsync).WithName("ReplaceVoipIntegration").WithSummary("Replace the VOIP (click-to-call) settings")
            .WithDescription("`provider` (`twilio`), `accountSid` (Twilio's `AC` followed by 32 hex digits), `authToken` (secret) and `fromNumber` (E.164, the caller id calls show) are required; " +
                "`apiBase` defaults to `https://api.twilio.com`; `agents` lists each agent's own number as `{ userId, number }` (E.164, one per user), rung first on a click-to-call. " +
                "The auth token also verifies Twilio's status callbacks (`X-Twilio-Signature`). " + SecretRules);
    }

    private static async Task<Ok<VoipSettingsView>> GetVoipAsync(Caller caller, IntegrationStore store, HttpResponse response, CancellationToken cancellationToken)
    {
        var stored = await store.ReadAsync(caller.TenantId, IntegrationNames.Voip, cancellationToken);
        Versioning.SetETag(response, stored?.Version ?? 0);
        return TypedResults.Ok(VoipView(stored));
    }

    private static async Task<Ok<VoipSettingsView>> PutVoipAsync(
        VoipSettingsRequest request, Caller caller, IntegrationStore store, AuditWriter audit, HttpContext context, CancellationToken cancellationToken)
    {
        var current = await store.ReadAsync(caller.TenantId, IntegrationNames.Voip, cancellationToken);
        var validation = new Validation()
            .Check(request.Provider is "twilio", "provider", "One of: twilio.")
            .Check(request.AccountSid is not null && AccountSid().IsMatch(request.AccountSid), "accountSid", "Twilio's account SID: AC followed by 32 hex digits.")
            .Check(request.AuthToken is { Length: > 0 } || (request.AuthToken is null && current?.ProtectedSecrets.ContainsKey("authToken") == true), "authToken", "Required (none is stored yet).")
            .Check(request.AuthToken is null || request.AuthToken.Length <= 200, "authToken", "At most 200 characters.")
            .Check(request.FromNumber is not null && E164().IsMatch(request.FromNumber), "fromNumber", "A phone number in E.164 form (+ and 8 to 15 digits).")
            .Check(request.ApiBase is null || (request.ApiBase.Length <= 500 && Uri.TryCreate(request.ApiBase, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http"), "apiBase", "An http or https URL.");
        var agents = request.Agents ?? [];
        validation.Check(agents.Count <= 1000, "agents", "At most 1000 agents.");
        var seen = new HashSet<Guid>();
        for (var i = 0; i < agents.Count && i < 1000; i++)
        {
            var agent = agents[i];
            validation
                .Check(agent?.UserId is { } id && id != Guid.Empty, $"agents[{i}].userId", "Required.")
                .Check(agent?.UserId is not { } user || seen.Add(user), $"agents[{i}].userId", "Listed twice.")
                .Check(agent?.Number is not null && E164().IsMatch(agent.Number), $"agents[{i}].number", "A phone number in E.164 form (+ and 8 to 15 digits).");
        }

        validation.ThrowIfInvalid();
        var settings = new JsonObject
        {
            ["provider"] = request.Provider,
            ["accountSid"] = request.AccountSid,
            ["fromNumber"] = request.FromNumber,
            ["apiBase"] = (request.ApiBase ?? TwilioVoipProvider.DefaultApiBase).Trim().TrimEnd('/'),
            ["agents"] = new JsonArray([.. agents.Select(a => (JsonNode)new JsonObject { ["userId"] = a!.UserId!.Value.ToString(), ["number"] = a.Number })]),
        };
        var stored = await SaveAsync(caller, store, audit, context, IntegrationNames.Voip, settings, Secrets(("authToken", request.AuthToken)), cancellationToken);
        return TypedResults.Ok(VoipView(stored));
    }

    private static async Task<Ok<IntegrationTestResult>> TestVoipAsync(Caller caller, IntegrationStore store, VoipProviders providers, CancellationToken cancellationToken)
    {
        var settings = await store.VoipAsync(caller.TenantId, cancellationToken);
        var provider = settings is null ? null : providers.Find(settings.Provider);
        if (settings is null || provider is null)
        {
            throw new Grains.Abstractions.Errors.DomainException(Grains.Abstractions.Errors.DomainErrorKind.Conflict, "not_configured", "The voip integration has no settings yet.");
        }

        var number = settings.NumberOf(caller.UserId);
        new Validation().Check(number is not null, "agentNumber", "You have no agent number in the voip settings to call.").ThrowIfInvalid();
        try
        {
            var started = await provider.StartCallAsync(settings, new VoipCallRequest(number!, null, null), cancellationToken);
            return TypedResults.Ok(new IntegrationTestResult(true, "call", number!, started.ProviderCallId, null));
        }
        catch (VoipProviderException exception)
        {
            return TypedResults.Ok(new IntegrationTestResult(false, "call", number!, null, exception.Message));
        }
    }

    private static VoipSettingsView VoipView(StoredIntegration? stored) => new(
        stored is not null,
        Text(stored, "provider"),
        Text(stored, "accountSid"),
        new SecretState(stored?.ProtectedSecrets.ContainsKey("authToken") == true),
        Text(stored, "fromNumber"),
        Text(stored, "apiBase"),
        stored?.Settings["agents"] is JsonArray agents
            ? [.. agents.OfType<JsonObject>().Select(a => new VoipAgentView(Guid.Parse(a["userId"]!.GetValue<string>()), a["number"]!.GetValue<string>()))]
            : [],
        stored?.Version ?? 0,
        stored?.UpdatedAt);

    [GeneratedRegex(@"^AC[0-9a-fA-F]{32}$")]
    private static partial Regex AccountSid();

    [GeneratedRegex(@"^\+[1-9][0-9]{7,14}$")]
    private static partial Regex E164();
}
