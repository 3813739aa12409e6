using System.Globalization;
using System.Net.Http.Headers;
using System.Security;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace M3CoreCRM.Silo.Integrations;

/// <summary>
/// Twilio Programmable Voice over its REST API (a typed HttpClient, no SDK): a click-to-call is
/// <c>POST {apiBase}/2010-04-01/Accounts/{AccountSid}/Calls.json</c>, form-encoded, with Basic auth AccountSid:AuthToken.
/// Twilio rings <c>To</c> (the agent) from <c>From</c> (the tenant's number); when the agent answers, the inline TwiML
/// <c>&lt;Dial&gt;</c>s the customer. Progress goes to <c>StatusCallback</c> (initiated, ringing, answered, completed) and the recording to
/// <c>RecordingStatusCallback</c> (the same address) once it is ready,
/// signed with <c>X-Twilio-Signature</c>: the base64 HMAC-SHA1, under the auth token, of the full URL followed by each
/// POST field's name and value, sorted by name.
/// </summary>
public sealed class TwilioVoipProvider(HttpClient http) : IVoipProvider
{
    public const string DefaultApiBase = "https://api.twilio.com";
    public const string SignatureHeader = "X-Twilio-Signature";

    /// <summary>What a test call says to the agent who answers it.</summary>
    public const string TestTwiml = "<Response><Say>This is a test call from M3 Core CRM. Your click-to-call settings work.</Say></Response>";

    public string Name => "twilio";

    public async Task<VoipCallStarted> StartCallAsync(VoipSettings settings, VoipCallRequest call, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate($"{settings.ApiBase.TrimEnd('/')}/2010-04-01/Accounts/{Uri.EscapeDataString(settings.AccountSid)}/Calls.json", UriKind.Absolute, out var uri))
        {
            throw new VoipProviderException("The Twilio API base is not a URL.");
        }

        var fields = new List<KeyValuePair<string, string>>
        {
            new("To", call.AgentNumber),
            new("From", settings.FromNumber),
        };
        if (call.CustomerNumber is null || call.StatusCallback is null)
        {
            fields.Add(new("Twiml", TestTwiml));
        }
        else
        {
            fields.AddRange(CallFields(settings, call.CustomerNumber, call.StatusCallback));
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new FormUrlEncodedContent(fields) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{settings.AccountSid}:{settings.AuthToken}")));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException exception)
        {
            throw new VoipProviderException($"Twilio could not be reached: {exception.Message}", exception);
        }
        catch (TaskCanceledException exception) when (!cancellationToken.IsCancellationRequested)
        {
            throw new VoipProviderException("Twilio did not answer in time.", exception);
        }

        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            var (sid, status, message) = Read(body);
            if (!response.IsSuccessStatusCode || sid is null)
            {
                throw new VoipProviderException($"Twilio answered {(int)response.StatusCode}: {message ?? (body.Length > 200 ? body[..200] : body)}");
            }

            return new VoipCallStarted(sid, Status(status) ?? VoipStatus.Queued);
        }
    }

    private static List<KeyValuePair<string, string>> CallFields(VoipSettings settings, string customerNumber, Uri statusCallback) =>
        [
            new("Twiml", Twiml(settings.FromNumber, customerNumber)),
            new("StatusCallback", statusCallback.AbsoluteUri),
            new("StatusCallbackMethod", "POST"),
            new("StatusCallbackEvent", "initiated"),
            new("StatusCallbackEvent", "ringing"),
            new("StatusCallbackEvent", "answered"),
            new("StatusCallbackEvent", "completed"),
            new("Record", "true"),

            // The recording is ready only after the call ends, in a callback of its own (to the same address).
            new("RecordingStatusCallback", statusCallback.AbsoluteUri),
            new("RecordingStatusCallbackMethod", "POST"),
            new("RecordingStatusCallbackEvent", "completed"),
        ];

    public bool IsAuthentic(VoipSettings settings, string url, IReadOnlyDictionary<string, string[]> form, Func<string, string?> header) =>
        header(SignatureHeader) is { Length: > 0 } signature && SignatureIsValid(settings.AuthToken, url, form, signature);

    public VoipCallEvent? ParseEvent(IReadOnlyDictionary<string, string[]> form)
    {
        if (Field(form, "CallSid") is not { } sid)
        {
            return null;
        }

        var recording = Field(form, "RecordingUrl") is { } url && Uri.TryCreate(url, UriKind.Absolute, out var parsed) && parsed.Scheme is "https" or "http" ? url : null;
        if (Field(form, "CallStatus") is null && Field(form, "RecordingStatus") == "completed" && recording is not null)
        {
            // A recording status callback: the recording of the call, and no news of its status.
            return new VoipCallEvent(sid, null, null, recording);
        }

        if (Status(Field(form, "CallStatus")) is not { } status)
        {
            return null;
        }

        int? duration = int.TryParse(Field(form, "CallDuration"), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) ? seconds : null;
        return new VoipCallEvent(sid, status, duration, recording);
    }

    /// <summary>Twilio's signature of a webhook call: base64 HMAC-SHA1 under the auth token of the URL and the sorted fields.</summary>
    public static string Signature(string authToken, string url, IReadOnlyDictionary<string, string[]> form)
    {
        var data = new StringBuilder(url);
        foreach (var name in form.Keys.Order(StringComparer.Ordinal))
        {
            foreach (var value in form[name].Order(StringComparer.Ordinal))
            {
                data.Append(name).Append(value);
            }
        }

        // Twilio's protocol fixes HMAC-SHA1 (keyed by a secret, so not the collision weakness of plain SHA-1).
#pragma warning disable CA5350
        return Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(authToken), Encoding.UTF8.GetBytes(data.ToString())));
#pragma warning restore CA5350
    }

    public static bool SignatureIsValid(string authToken, string url, IReadOnlyDictionary<string, string[]> form, string signature)
    {
        var expected = Encoding.ASCII.GetBytes(Signature(authToken, url, form));
        return CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(signature.Trim()));
    }

    /// <summary>The TwiML run when the agent answers: dial the customer, showing the tenant's number.</summary>
    public static string Twiml(string callerId, string customerNumber) =>
        $"<Response><Dial callerId=\"{SecurityElement.Escape(callerId)}\"><Number>{SecurityElement.Escape(customerNumber)}</Number></Dial></Response>";

    /// <summary>Twilio's call status words in the CRM's (<see cref="VoipStatus"/>).</summary>
    public static string? Status(string? twilio) => twilio switch
    {
        "queued" or "initiated" => VoipStatus.Queued,
        "ringing" => VoipStatus.Ringing,
        "in-progress" => VoipStatus.InProgress,
        "completed" => VoipStatus.Completed,
        "busy" => VoipStatus.Busy,
        "no-answer" => VoipStatus.NoAnswer,
        "failed" => VoipStatus.Failed,
        "canceled" => VoipStatus.Canceled,
        _ => null,
    };

    private static string? Field(IReadOnlyDictionary<string, string[]> form, string name) =>
        form.TryGetValue(name, out var values) && values.Length > 0 && values[0].Length > 0 ? values[0] : null;

    private static (string? Sid, string? Status, string? Message) Read(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            return root.ValueKind != JsonValueKind.Object
                ? (null, null, null)
                : (Text(root, "sid"), Text(root, "status"), Text(root, "message"));
        }
        catch (JsonException)
        {
            return (null, null, null);
        }

        static string? Text(JsonElement element, string name) =>
            element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
    }
}
