using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace M3CoreCRM.Silo.Integrations;

/// <summary>
/// Infobip's HTTP API (a typed HttpClient): SMS by <c>POST /sms/2/text/advanced</c>, WhatsApp text by
/// <c>POST /whatsapp/1/message/text</c>, authorised by <c>Authorization: App &lt;key&gt;</c>. The delivery id goes as
/// Infobip's <c>messageId</c>, so a message sent again after a crash is the same message to Infobip.
/// 5xx, 429 and network errors are transient; other 4xx answers are permanent.
/// </summary>
public sealed class InfobipClient(HttpClient http)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public Task<string?> SendSmsAsync(InfobipSettings settings, DeliveryMessage message, CancellationToken cancellationToken) =>
        PostAsync(settings, "sms/2/text/advanced", new
        {
            messages = new[]
            {
                new
                {
                    from = settings.SmsSender,
                    destinations = new[] { new { to = Number(message.To), messageId = MessageIdOf(message.Id) } },
                    text = message.Content.Text,
                },
            },
        }, message, cancellationToken);

    public Task<string?> SendWhatsappAsync(InfobipSettings settings, DeliveryMessage message, CancellationToken cancellationToken) =>
        PostAsync(settings, "whatsapp/1/message/text", new
        {
            from = settings.WhatsappSender,
            to = Number(message.To),
            messageId = MessageIdOf(message.Id),
            content = new { text = message.Content.Text },
        }, message, cancellationToken);

    /// <summary>Infobip's message id for a delivery: the delivery id, without dashes.</summary>
    public static string MessageIdOf(Guid deliveryId) => deliveryId.ToString("N");

    /// <summary>Infobip takes numbers in international form without the plus sign.</summary>
    public static string Number(string phone) => phone.Trim().TrimStart('+').Replace(" ", "", StringComparison.Ordinal);

    private async Task<string?> PostAsync(InfobipSettings settings, string path, object body, DeliveryMessage message, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(settings.BaseUrl.TrimEnd('/') + "/" + path, UriKind.Absolute, out var uri))
        {
            throw new PermanentDeliveryException("The Infobip base URL is not a URL.");
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = JsonContent.Create(body, options: Json) };
        request.Headers.Authorization = new AuthenticationHeaderValue("App", settings.ApiKey);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException exception)
        {
            throw new TransientDeliveryException($"Infobip could not be reached: {exception.Message}", exception);
        }
        catch (TaskCanceledException exception) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TransientDeliveryException("Infobip did not answer in time.", exception);
        }

        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                return MessageIdOf(message.Id);
            }

            var detail = $"Infobip answered {(int)response.StatusCode}: {ErrorText(text)}";
            throw response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout || (int)response.StatusCode >= 500
                ? new TransientDeliveryException(detail)
                : new PermanentDeliveryException(detail);
        }
    }

    /// <summary>The text of Infobip's error (<c>requestError.serviceException.text</c>), or the start of the body.</summary>
    private static string ErrorText(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.TryGetProperty("requestError", out var error) && error.TryGetProperty("serviceException", out var service)
                && service.TryGetProperty("text", out var message) && message.GetString() is { } said)
            {
                return said;
            }
        }
        catch (JsonException)
        {
        }

        return body.Length > 200 ? body[..200] : body;
    }
}
