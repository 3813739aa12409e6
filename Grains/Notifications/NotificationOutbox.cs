using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace M3CoreCRM.Grains.Notifications;

/// <summary>A message for a person through a channel: <c>email</c>, <c>sms</c> or <c>whatsapp</c>.</summary>
public sealed record OutgoingMessage(string Channel, string To, string Subject, string Body)
{
    /// <summary>The tenant on whose behalf it is sent: its configured provider sends it (none configured: the development outbox).</summary>
    public Guid TenantId { get; init; }

    /// <summary>The HTML alternative of an email's plain-text <see cref="Body"/>.</summary>
    public string? Html { get; init; }

    /// <summary>Names the message once: a caller that sends it again with the same key (a retried reminder) enqueues nothing new.</summary>
    public string? Key { get; init; }
}

/// <summary>
/// Where messages to people go: the tenant's configured provider through the durable delivery outbox
/// (<c>Silo/Integrations</c>), or, without one, the <see cref="DevelopmentOutbox"/>.
/// </summary>
public interface INotificationOutbox
{
    Task SendAsync(OutgoingMessage message, CancellationToken cancellationToken);
}

/// <summary>
/// The development channel: notes each message in the log (channel, recipient and subject only:
/// bodies carry invitation tokens and codes, which never go to a log) and keeps the latest in
/// memory, where local runs and tests read them. Replaced by the real providers when configured.
/// </summary>
public sealed partial class DevelopmentOutbox(ILogger<DevelopmentOutbox> logger) : INotificationOutbox
{
    private const int Kept = 500;
    private readonly ConcurrentQueue<OutgoingMessage> _sent = new();

    public IReadOnlyList<OutgoingMessage> Sent => [.. _sent];

    public Task SendAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        LogMessage(logger, message.Channel, message.To, message.Subject);
        _sent.Enqueue(message);
        while (_sent.Count > Kept && _sent.TryDequeue(out _))
        {
        }

        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Development {Channel} to {To}: {Subject} (kept in the development outbox)")]
    private static partial void LogMessage(ILogger logger, string channel, string to, string subject);
}
