using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace M3CoreCRM.Silo.Integrations;

/// <summary>Email over SMTP with MailKit: a plain-text body with its HTML alternative, and a Message-ID made from the delivery id (the same on every try).</summary>
public sealed class SmtpSender
{
    public async Task<string?> SendAsync(EmailSettings settings, DeliveryMessage message, CancellationToken cancellationToken)
    {
        var mail = new MimeMessage { Subject = message.Subject, MessageId = MessageIdOf(message.Id) };
        mail.From.Add(new MailboxAddress(settings.FromName ?? "", settings.FromAddress));
        try
        {
            mail.To.Add(MailboxAddress.Parse(message.To));
        }
        catch (ParseException exception)
        {
            throw new PermanentDeliveryException("The recipient is not an email address.", exception);
        }

        mail.Body = new BodyBuilder { TextBody = message.Content.Text, HtmlBody = message.Content.Html }.ToMessageBody();

        using var client = new SmtpClient();
        try
        {
            await client.ConnectAsync(settings.Host, settings.Port, SocketOptions(settings.TlsMode), cancellationToken);
            if (!string.IsNullOrEmpty(settings.User))
            {
                await client.AuthenticateAsync(settings.User, settings.Password ?? "", cancellationToken);
            }

            await client.SendAsync(mail, cancellationToken);
            await client.DisconnectAsync(quit: true, cancellationToken);
            return mail.MessageId;
        }
        catch (Exception exception) when (exception is AuthenticationException or NotSupportedException)
        {
            throw new PermanentDeliveryException("The SMTP server refused the user name or password, or takes none.", exception);
        }
        catch (SmtpCommandException exception) when ((int)exception.StatusCode >= 500)
        {
            throw new PermanentDeliveryException($"The SMTP server refused the message: {(int)exception.StatusCode} {exception.Message}", exception);
        }
        catch (Exception exception) when (exception is SmtpCommandException or SmtpProtocolException or SocketException or IOException or ServiceNotConnectedException or SslHandshakeException)
        {
            throw new TransientDeliveryException($"The SMTP server could not take the message: {exception.Message}", exception);
        }
    }

    public static string MessageIdOf(Guid deliveryId) => $"{deliveryId:N}@m3corecrm";

    private static SecureSocketOptions SocketOptions(string tlsMode) => tlsMode switch
    {
        "none" => SecureSocketOptions.None,
        "tls" => SecureSocketOptions.SslOnConnect,
        _ => SecureSocketOptions.StartTls,
    };
}
