using System.Collections.Concurrent;
using M3CoreCRM.Runtime.Activations;
using M3CoreCRM.Runtime.Errors;
using M3CoreCRM.Runtime.Grains;
using M3CoreCRM.Runtime.Hosting;
using M3CoreCRM.Runtime.Persistence;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace M3CoreCRM.Runtime.Reminders;

/// <summary>
/// Fires due reminders: polls the registry, delivers each as a turn of its grain, and only then
/// removes (one-shot) or advances (periodic) the row, so delivery is at least once, on or after
/// the due time, and survives a restart. A failed delivery is retried after a delay.
/// </summary>
internal sealed partial class ReminderService(
    IReminderRegistry registry,
    Catalog catalog,
    GrainTypeRegistry grainTypes,
    IOptions<GrainRuntimeOptions> options,
    IWriteFence ownership,
    TimeProvider time,
    ILogger<ReminderService> logger) : BackgroundService
{
    private const int BatchSize = 256;
    private readonly ConcurrentDictionary<(GrainId, string), byte> _inFlight = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.ReminderPollInterval, time);
        do
        {
            try
            {
                foreach (var entry in await registry.ReadDueAsync(BatchSize, ownership.SiloId, stoppingToken))
                {
                    // Unleased tenants' reminders are picked up by the silo placement puts them on.
                    if (!ownership.Owns(entry.GrainId.TenantId) && !ownership.IsPlacedHere(entry.GrainId.TenantId))
                    {
                        continue;
                    }

                    if (_inFlight.TryAdd((entry.GrainId, entry.Name), 0))
                    {
                        _ = DeliverAsync(entry, stoppingToken);
                    }
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogPollFailed(logger, exception);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task DeliverAsync(ReminderEntry entry, CancellationToken stoppingToken)
    {
        try
        {
            if (!grainTypes.TryGetByTypeName(entry.GrainId.Type, out var grainClass) || !grainClass.IsRemindable)
            {
                LogUnknownGrainType(logger, entry.GrainId.Type, entry.Name);
                await registry.CompleteAsync(entry, time.GetUtcNow() + options.Value.ReminderRetryDelay, stoppingToken);
                return;
            }

            var firedAt = time.GetUtcNow();
            DateTimeOffset? next = null;
            try
            {
                await catalog.InvokeAsync(entry.GrainId, grainTypes.ReminderDispatcher, [entry.Name, new ReminderTick(entry.DueAt, firedAt, entry.Period)]);
                if (entry.Period is { } period && period > TimeSpan.Zero)
                {
                    // The next due time after now, on the reminder's own beat (missed beats are skipped, not replayed).
                    var missed = Math.Floor((firedAt - entry.DueAt) / period) + 1;
                    next = entry.DueAt + (period * missed);
                }
            }
            catch (NotOwnerException)
            {
                // Another silo owns the tenant and delivers its reminders: leave the row as it is.
                return;
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                // Whatever the handler threw (a cancellation of its own included), try again after the delay.
                LogDeliveryFailed(logger, exception, entry.Name, entry.GrainId);
                next = time.GetUtcNow() + options.Value.ReminderRetryDelay;
            }

            await registry.CompleteAsync(entry, next, stoppingToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // The row is still there, so the next poll delivers it again.
            LogDeliveryFailed(logger, exception, entry.Name, entry.GrainId);
        }
        catch (OperationCanceledException)
        {
            // Stopping; the row stays and fires after the restart.
        }
        finally
        {
            _inFlight.TryRemove((entry.GrainId, entry.Name), out _);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Polling reminders failed")]
    private static partial void LogPollFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reminder {Name} of {GrainId} could not be delivered; it will be retried")]
    private static partial void LogDeliveryFailed(ILogger logger, Exception exception, string name, GrainId grainId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reminder {Name} names grain type '{GrainType}', which no remindable grain class of this silo has")]
    private static partial void LogUnknownGrainType(ILogger logger, string grainType, string name);
}
