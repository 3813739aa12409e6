using System.Runtime.CompilerServices;
using System.Threading.Channels;
using M3CoreCRM.Grains.Abstractions.Events;
using M3CoreCRM.Grains.Persistence;
using Microsoft.Extensions.Logging;
using Npgsql;
using Orleans.Streams;

namespace M3CoreCRM.Grains.Events;

/// <summary>
/// Reads a tenant's events in position order. Positions are given by the tenant's relay once the writing
/// transaction has committed, with no gaps (<see cref="EventPublisher"/>), so "everything after N" read now
/// never misses an event that is numbered later with a smaller number.
/// </summary>
public sealed partial class TenantEventLog(NpgsqlDataSource dataSource, IClusterClient client, ILogger<TenantEventLog> logger)
{
    /// <summary>How long a subscriber waits on the live stream before it asks the log anyway.</summary>
    public static readonly TimeSpan SafetyPoll = TimeSpan.FromSeconds(5);

    private const int ReadBatch = 500;

    /// <summary>Up to <paramref name="limit"/> events of the tenant after <paramref name="afterSequence"/>, in order.</summary>
    public async Task<IReadOnlyList<StoredEvent>> ReadAsync(Guid tenantId, long afterSequence, int limit, CancellationToken cancellationToken)
    {
        await using var batch = dataSource.ForTenant(tenantId);
        batch.Add("""
            SELECT seq, type, entity_type, entity_id, data::text, occurred_at, actor_id
            FROM events WHERE tenant_id = $1 AND seq > $2 ORDER BY seq LIMIT $3
            """).With(tenantId).With(afterSequence).With(limit);
        await using var reader = await batch.ReadAsync(cancellationToken);
        return await StoredEvents.ReadAllAsync(reader, tenantId, cancellationToken);
    }

    /// <summary>The tenant's latest position now (0 before its first event).</summary>
    public async Task<long> LatestSequenceAsync(Guid tenantId, CancellationToken cancellationToken)
    {
        await using var batch = dataSource.ForTenant(tenantId);
        batch.Add("SELECT last_seq FROM event_positions WHERE tenant_id = $1").With(tenantId);
        return await batch.ScalarAsync(cancellationToken) is long last ? last : 0;
    }

    /// <summary>
    /// The tenant's latest position now, and whether committed events are still waiting for theirs: a read made now
    /// sees those events' changes, which the latest position does not yet count.
    /// </summary>
    public async Task<(long Latest, bool Unnumbered)> PositionAsync(Guid tenantId, CancellationToken cancellationToken)
    {
        await using var batch = dataSource.ForTenant(tenantId);
        batch.Add("""
            SELECT coalesce((SELECT last_seq FROM event_positions WHERE tenant_id = $1), 0),
                   EXISTS (SELECT 1 FROM events WHERE tenant_id = $1 AND seq IS NULL)
            """).With(tenantId);
        await using var reader = await batch.ReadAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (reader.GetInt64(0), reader.GetBoolean(1));
    }

    /// <summary>
    /// Every event of the tenant after <paramref name="afterSequence"/>, in order, then each new one as its relay
    /// publishes it, until cancelled; resume by passing the last position seen. New events come from the tenant's
    /// live stream (<see cref="EventStreams"/>); the log fills whatever the stream did not bring in order (a batch
    /// published before the subscription, a lost one), and is asked anyway after a quiet <see cref="SafetyPoll"/>.
    /// If that finds events the stream never brought, the subscription is made afresh.
    /// </summary>
    public async IAsyncEnumerable<StoredEvent> SubscribeAsync(Guid tenantId, long afterSequence, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var delivered = Channel.CreateUnbounded<IReadOnlyList<StoredEvent>>();
        var stream = client.GetStreamProvider(EventStreams.Provider).GetStream<PublishedEvents>(EventStreams.For(tenantId));
        Task<StreamSubscriptionHandle<PublishedEvents>> Subscribe() =>
            stream.SubscribeAsync((published, _) =>
            {
                delivered.Writer.TryWrite(published.Events);
                return Task.CompletedTask;
            });

        var subscription = await Subscribe();
        try
        {
            var position = afterSequence;
            var readLog = true;
            var polled = false;
            var deliveredSinceRead = false;
            while (!cancellationToken.IsCancellationRequested)
            {
                if (readLog)
                {
                    var found = false;
                    while (true)
                    {
                        var events = await ReadAsync(tenantId, position, ReadBatch, cancellationToken);
                        foreach (var e in events)
                        {
                            found = true;
                            position = e.Sequence;
                            yield return e;
                        }

                        if (events.Count < ReadBatch)
                        {
                            break;
                        }
                    }

                    if (polled && found && !deliveredSinceRead)
                    {
                        subscription = await ResubscribeAsync(subscription, Subscribe, tenantId);
                    }

                    readLog = false;
                    polled = false;
                    deliveredSinceRead = false;
                }

                // WaitAsync drops its timer as soon as a batch arrives: no timer outlives a delivery.
                var waiting = delivered.Reader.WaitToReadAsync(cancellationToken).AsTask();
                try
                {
                    await waiting.WaitAsync(SafetyPoll, cancellationToken);
                }
                catch (TimeoutException)
                {
                    readLog = true;
                    polled = true;
                    continue;
                }

                while (!readLog && delivered.Reader.TryRead(out var batch))
                {
                    deliveredSinceRead = true;
                    foreach (var e in batch)
                    {
                        if (e.Sequence <= position)
                        {
                            continue;
                        }

                        if (e.Sequence > position + 1)
                        {
                            // A batch went missing (or came before the subscription): the log has it.
                            readLog = true;
                            break;
                        }

                        position = e.Sequence;
                        yield return e;
                    }
                }
            }
        }
        finally
        {
            await UnsubscribeAsync(subscription, tenantId);
        }
    }

    private async Task<StreamSubscriptionHandle<PublishedEvents>> ResubscribeAsync(
        StreamSubscriptionHandle<PublishedEvents> subscription, Func<Task<StreamSubscriptionHandle<PublishedEvents>>> subscribe, Guid tenantId)
    {
        LogResubscribing(logger, tenantId);
        await UnsubscribeAsync(subscription, tenantId);
        return await subscribe();
    }

    private async Task UnsubscribeAsync(StreamSubscriptionHandle<PublishedEvents> subscription, Guid tenantId)
    {
        try
        {
            await subscription.UnsubscribeAsync();
        }
        catch (Exception exception)
        {
            // The subscription may be gone with a silo; nothing more is delivered to it either way.
            LogUnsubscribeFailed(logger, exception, tenantId);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "The live stream of tenant {TenantId} missed events the log had; subscribing afresh")]
    private static partial void LogResubscribing(ILogger logger, Guid tenantId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Leaving the live stream of tenant {TenantId} failed")]
    private static partial void LogUnsubscribeFailed(ILogger logger, Exception exception, Guid tenantId);
}
