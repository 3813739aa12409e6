using System.Text.Json;
using M3CoreCRM.Grains.Notifications;
using M3CoreCRM.Grains.Persistence;
using Microsoft.AspNetCore.DataProtection;
using Npgsql;

namespace M3CoreCRM.Silo.Integrations;

/// <summary>What a delivery carries, protected as one payload in its row's <c>body</c>.</summary>
public sealed record DeliveryContent(string Text, string? Html);

/// <summary>
/// The durable outbox: a message for a tenant with a provider for its channel becomes a <c>deliveries</c> row
/// (once per <see cref="OutgoingMessage.Key"/>), which the <see cref="DeliveryWorker"/> of some silo sends. Without a
/// provider the message goes to the <see cref="DevelopmentOutbox"/> as it always did, and nothing leaves the machine.
/// </summary>
public sealed class DeliveryOutbox(NpgsqlDataSource dataSource, IntegrationStore settings, IDataProtectionProvider protection, DevelopmentOutbox development, DeliverySignal signal)
    : INotificationOutbox
{
    public const string Purpose = "M3CoreCRM.Deliveries.v1";

    public async Task SendAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        if (message.TenantId == Guid.Empty || !await settings.HasProviderAsync(message.TenantId, message.Channel, cancellationToken))
        {
            await development.SendAsync(message, cancellationToken);
            return;
        }

        await EnqueueAsync(message, cancellationToken);
    }

    /// <summary>Adds the delivery row (nothing when its key was enqueued before) and wakes this process's worker.</summary>
    public async Task<Guid> EnqueueAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        var id = Guid.CreateVersion7();
        var body = Protector(message.TenantId).Protect(JsonSerializer.Serialize(new DeliveryContent(message.Body, message.Html)));
        await using var batch = dataSource.ForTenant(message.TenantId);
        batch.Add("""
            INSERT INTO deliveries (tenant_id, id, idempotency_key, channel, recipient, subject, body) VALUES ($1, $2, $3, $4, $5, $6, $7)
            ON CONFLICT (tenant_id, idempotency_key) DO NOTHING
            """).With(message.TenantId).With(id).With(message.Key ?? $"message:{id}").With(message.Channel).With(message.To).With(message.Subject).With(body);
        await batch.ExecuteAsync(cancellationToken);
        signal.Wake();
        return id;
    }

    public IDataProtector Protector(Guid tenantId) => protection.CreateProtector(Purpose, tenantId.ToString("N"));
}

/// <summary>Wakes this process's delivery worker when a delivery was enqueued here (other processes' rows are found by polling).</summary>
public sealed class DeliverySignal : IDisposable
{
    private readonly SemaphoreSlim _wake = new(0, 1);

    public void Wake()
    {
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already woken.
        }
    }

    public async Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => await _wake.WaitAsync(timeout, cancellationToken);

    public void Dispose() => _wake.Dispose();
}
