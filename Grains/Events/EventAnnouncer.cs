using System.Collections.Concurrent;
using M3CoreCRM.Grains.Persistence;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace M3CoreCRM.Grains.Events;

/// <summary>
/// Tells every process that a tenant's log grew, after the append committed. The announcement is
/// only a wake-up: readers read by sequence, so a late or lost one delays, never loses. It is kept
/// out of the writing transaction on purpose: PostgreSQL serialises the commits of all transactions
/// that <c>NOTIFY</c>, which would make every event-carrying write wait for every other. Instead,
/// announcements are coalesced per tenant and sent as one <c>pg_notify</c> batch per round.
/// </summary>
public sealed partial class EventAnnouncer(NpgsqlDataSource dataSource, EventNotifications notifications, ILogger<EventAnnouncer> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<Guid, long> _pending = new();
    private readonly SemaphoreSlim _work = new(0, 1);

    /// <summary>Called after a write that appended events for <paramref name="tenantId"/> up to <paramref name="lastSequence"/> committed.</summary>
    public void Announce(Guid tenantId, long lastSequence)
    {
        _pending.AddOrUpdate(tenantId, lastSequence, (_, seen) => Math.Max(seen, lastSequence));

        // Readers in this process need not wait for the round trip through PostgreSQL.
        notifications.Signal(tenantId);
        if (_work.CurrentCount == 0)
        {
            try
            {
                _work.Release();
            }
            catch (SemaphoreFullException)
            {
                // Already woken.
            }
        }
    }

    public override void Dispose()
    {
        _work.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            await _work.WaitAsync(stoppingToken);
            var payloads = new List<string>();
            foreach (var tenantId in _pending.Keys)
            {
                if (_pending.TryRemove(tenantId, out var sequence))
                {
                    payloads.Add($"{tenantId}:{sequence}");
                }
            }

            if (payloads.Count == 0)
            {
                continue;
            }

            try
            {
                await using var command = dataSource.CreateCommand($"SELECT pg_notify('{EventNotifications.Channel}', p) FROM unnest($1::text[]) AS p");
                command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. payloads] });
                await command.ExecuteNonQueryAsync(stoppingToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // Readers elsewhere still find the events on their next safety poll.
                LogAnnounceFailed(logger, exception, payloads.Count);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Announcing appends of {Tenants} tenants failed; readers will find them on their next poll")]
    private static partial void LogAnnounceFailed(ILogger logger, Exception exception, int tenants);
}
