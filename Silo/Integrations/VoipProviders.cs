namespace M3CoreCRM.Silo.Integrations;

/// <summary>A click-to-call to place: ring the agent first, then bridge to the customer.</summary>
/// <param name="AgentNumber">The agent's own phone, rung first.</param>
/// <param name="CustomerNumber">The lead's or contact's phone, dialled when the agent answers; null for a test call, which only speaks to the agent.</param>
/// <param name="StatusCallback">Where the provider reports the call's progress (ringing, answered, completed); null for a test call.</param>
public sealed record VoipCallRequest(string AgentNumber, string? CustomerNumber, Uri? StatusCallback);

/// <summary>The provider's answer to a call request: its id for the call and its status (<see cref="VoipStatus"/>).</summary>
public sealed record VoipCallStarted(string ProviderCallId, string Status);

/// <summary>
/// One progress report of a call from the provider's webhook, its status in <see cref="VoipStatus"/> words, or a null
/// status for a report of the call's recording alone.
/// </summary>
public sealed record VoipCallEvent(string ProviderCallId, string? Status, int? DurationSeconds, string? RecordingUrl);

/// <summary>The call statuses the CRM keeps, whatever the provider's words for them.</summary>
public static class VoipStatus
{
    public const string Starting = "starting";
    public const string Queued = "queued";
    public const string Ringing = "ringing";
    public const string InProgress = "in_progress";
    public const string Completed = "completed";
    public const string Busy = "busy";
    public const string NoAnswer = "no_answer";
    public const string Failed = "failed";
    public const string Canceled = "canceled";

    /// <summary>How far a call has got: a report that arrives late (ringing after completed) never moves a call back.</summary>
    public static int Rank(string status) => status switch
    {
        Starting => 0,
        Queued => 1,
        Ringing => 2,
        InProgress => 3,
        _ => 4,
    };

    public static bool IsFinal(string status) => Rank(status) == 4;
}

/// <summary>The provider refused the call or could not be reached; the message is the provider's, never a secret.</summary>
public sealed class VoipProviderException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// A PBX or telephony API that places click-to-calls and reports their progress to a webhook. Twilio is one
/// (<see cref="TwilioVoipProvider"/>); another (Asterisk ARI) implements the same three members.
/// </summary>
public interface IVoipProvider
{
    /// <summary>The provider's name in settings and in the webhook route (<c>/webhooks/voip/{name}</c>).</summary>
    string Name { get; }

    /// <summary>Places the call (agent first, then the customer); throws <see cref="VoipProviderException"/> when the provider refuses it.</summary>
    Task<VoipCallStarted> StartCallAsync(VoipSettings settings, VoipCallRequest call, CancellationToken cancellationToken);

    /// <summary>Whether a webhook call is the provider's: <paramref name="url"/> as the provider called it, its form fields and its signature header.</summary>
    bool IsAuthentic(VoipSettings settings, string url, IReadOnlyDictionary<string, string[]> form, Func<string, string?> header);

    /// <summary>The call event a verified webhook call reports, or null when it reports none the CRM keeps.</summary>
    VoipCallEvent? ParseEvent(IReadOnlyDictionary<string, string[]> form);
}

/// <summary>The registered providers, by name.</summary>
public sealed class VoipProviders(IEnumerable<IVoipProvider> providers)
{
    public IVoipProvider? Find(string name) => providers.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));
}
