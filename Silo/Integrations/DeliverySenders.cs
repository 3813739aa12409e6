namespace M3CoreCRM.Silo.Integrations;

/// <summary>One message as a provider sends it; <see cref="Id"/> is stable across tries (the provider's idempotency key).</summary>
public sealed record DeliveryMessage(Guid TenantId, Guid Id, string Channel, string To, string Subject, DeliveryContent Content);

/// <summary>A provider refused the message for good (a bad recipient, bad credentials): it is not tried again.</summary>
public sealed class PermanentDeliveryException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>A provider could not take the message now (down, timing out, throttling): it is tried again later.</summary>
public sealed class TransientDeliveryException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>Sends the messages of a tenant through its configured providers: email over SMTP, SMS and WhatsApp over Infobip.</summary>
public sealed class DeliverySenders(IntegrationStore settings, SmtpSender smtp, IServiceProvider services)
{
    /// <summary>Sends one message; returns the provider's id for it. Throws <see cref="PermanentDeliveryException"/> or <see cref="TransientDeliveryException"/>.</summary>
    public async Task<string?> SendAsync(DeliveryMessage message, CancellationToken cancellationToken)
    {
        switch (message.Channel)
        {
            case "email":
                var email = await settings.EmailAsync(message.TenantId, cancellationToken)
                    ?? throw new PermanentDeliveryException("Email is not configured for this tenant any more.");
                return await smtp.SendAsync(email, message, cancellationToken);
            case "sms" or "whatsapp":
                var provider = await settings.InfobipAsync(message.TenantId, cancellationToken)
                    ?? throw new PermanentDeliveryException("Infobip is not configured for this tenant any more.");
                // The typed client is transient: a fresh one per send, on the factory's pooled handlers.
                var infobip = services.GetRequiredService<InfobipClient>();
                return message.Channel == "sms"
                    ? await infobip.SendSmsAsync(provider, message, cancellationToken)
                    : await infobip.SendWhatsappAsync(provider, message, cancellationToken);
            default:
                throw new PermanentDeliveryException($"No provider sends the channel '{message.Channel}'.");
        }
    }
}
