using System.Text.Json;
using M3CoreCRM.Grains.Persistence;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using Npgsql;
using Polly;
using Polly.Retry;

namespace M3CoreCRM.Silo.Integrations;

/// <summary>
/// Sends the delivery outbox, in every process that runs grains. A batch of due rows is claimed in one statement
/// (<c>FOR UPDATE SKIP LOCKED</c>): claiming sets them <c>sending</c> with a lease (<c>next_attempt_at</c>), so two
/// workers never hold one row, and a row whose worker died is claimed again when its lease ends. Each try is counted
/// in the row before the provider is called; the provider gets the delivery id as its idempotency key (Infobip's
/// <c>messageId</c>, the email's <c>Message-ID</c>), so a send repeated after a crash is the same message to it.
/// Tries are spaced by Polly's exponential backoff; after the last one the row is <c>failed</c> with the provider's error.
/// </summary>
public sealed partial class DeliveryWorker(
    NpgsqlDataSource dataSource, IStorageGate gate, DeliverySenders senders, DeliveryOutbox outbox, DeliverySignal signal,
    IOptions<DeliveryOptions> options, ILogger<DeliveryWorker> logger) : BackgroundService
{
    private readonly DeliveryOptions _options = options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await gate.WhenReadyAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var claimed = await ClaimAsync(stoppingToken);
                await Task.WhenAll(claimed.Select(row => DeliverAsync(row, stoppingToken)));
                if (claimed.Count == _options.BatchSize)
                {
                    continue;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception) when (exception is NpgsqlException or TimeoutException)
            {
                LogStorageError(logger, exception.Message);
            }

            try
            {
                await signal.WaitAsync(_options.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Claims up to a batch of due rows (pending ones, and sending ones whose lease ended), across tenants.</summary>
    public async Task<IReadOnlyList<ClaimedDelivery>> ClaimAsync(CancellationToken cancellationToken)
    {
        await using var batch = dataSource.ForSystem();
        batch.Add("""
            WITH due AS (
                SELECT tenant_id, id FROM deliveries
                WHERE status IN ('pending', 'sending') AND next_attempt_at <= clock_timestamp()
                ORDER BY next_attempt_at
                LIMIT $1
                FOR UPDATE SKIP LOCKED)
            UPDATE deliveries d SET status = 'sending', next_attempt_at = clock_timestamp() + make_interval(secs => $2), updated_at = clock_timestamp()
            FROM due WHERE d.tenant_id = due.tenant_id AND d.id = due.id
            RETURNING d.tenant_id, d.id, d.channel, d.recipient, d.subject, d.body, d.attempts
            """).With(_options.BatchSize).With(_options.Lease.TotalSeconds);
        var rows = new List<ClaimedDelivery>();
        await using var reader = await batch.ReadAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new ClaimedDelivery(reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5), reader.GetInt32(6)));
        }

        return rows;
    }

    private async Task DeliverAsync(ClaimedDelivery row, CancellationToken cancellationToken)
    {
        try
        {
            var left = _options.MaxAttempts - row.Attempts;
            if (left <= 0)
            {
                await FinishAsync(row, "failed", null, "No tries left (the last one was interrupted).", cancellationToken);
                return;
            }

            DeliveryMessage message;
            try
            {
                var content = JsonSerializer.Deserialize<DeliveryContent>(outbox.Protector(row.TenantId).Unprotect(row.Body))!;
                message = new DeliveryMessage(row.TenantId, row.Id, row.Channel, row.Recipient, row.Subject, content);
            }
            catch (System.Security.Cryptography.CryptographicException)
            {
                await FinishAsync(row, "failed", null, "The message could not be decrypted.", cancellationToken);
                return;
            }

            var pipeline = Pipeline(left);
            string? providerId;
            try
            {
                providerId = await pipeline.ExecuteAsync(async token =>
                {
                    await CountTryAsync(row, token);
                    using var timeout = CancellationTokenSource.CreateLinkedTokenSource(token);
                    timeout.CancelAfter(_options.SendTimeout);
                    try
                    {
                        return await senders.SendAsync(message, timeout.Token);
                    }
                    catch (OperationCanceledException exception) when (!token.IsCancellationRequested)
                    {
                        throw new TransientDeliveryException("The provider did not answer in time.", exception);
                    }
                }, cancellationToken);
            }
            catch (Exception exception) when (exception is PermanentDeliveryException or TransientDeliveryException)
            {
                LogFailed(logger, row.TenantId, row.Id, row.Channel, exception.Message);
                await FinishAsync(row, "failed", null, exception.Message, cancellationToken);
                return;
            }

            await FinishAsync(row, "sent", providerId, null, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping: the row stays 'sending' and is claimed again when its lease ends.
        }
        catch (Exception exception) when (exception is NpgsqlException or TimeoutException)
        {
            LogStorageError(logger, exception.Message);
        }
    }

    private ResiliencePipeline Pipeline(int attempts) => attempts <= 1
        ? ResiliencePipeline.Empty
        : new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = attempts - 1,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = _options.RetryDelay,
                ShouldHandle = new PredicateBuilder().Handle<TransientDeliveryException>(),
            })
            .Build();

    /// <summary>Counts a try before the provider is called, and renews the lease for it.</summary>
    private async Task CountTryAsync(ClaimedDelivery row, CancellationToken cancellationToken)
    {
        await using var batch = dataSource.ForTenant(row.TenantId);
        batch.Add("""
            UPDATE deliveries SET attempts = attempts + 1, next_attempt_at = clock_timestamp() + make_interval(secs => $3), updated_at = clock_timestamp()
            WHERE tenant_id = $1 AND id = $2 AND status = 'sending'
            """).With(row.TenantId).With(row.Id).With(_options.Lease.TotalSeconds);
        await batch.ExecuteAsync(cancellationToken);
    }

    private async Task FinishAsync(ClaimedDelivery row, string status, string? providerId, string? error, CancellationToken cancellationToken)
    {
        await using var batch = dataSource.ForTenant(row.TenantId);
        batch.Add("""
            UPDATE deliveries SET status = $3, provider_message_id = COALESCE($4, provider_message_id), last_error = $5, updated_at = clock_timestamp()
            WHERE tenant_id = $1 AND id = $2 AND status = 'sending'
            """).With(row.TenantId).With(row.Id).With(status).WithText(providerId).WithText(error);
        await batch.ExecuteAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivery {DeliveryId} ({Channel}) of tenant {TenantId} failed: {Error}")]
    private static partial void LogFailed(ILogger logger, Guid tenantId, Guid deliveryId, string channel, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The delivery worker could not reach storage: {Error}")]
    private static partial void LogStorageError(ILogger logger, string error);
}

/// <summary>A delivery row claimed by a worker.</summary>
public sealed record ClaimedDelivery(Guid TenantId, Guid Id, string Channel, string Recipient, string Subject, string Body, int Attempts);
