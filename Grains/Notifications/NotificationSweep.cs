using M3CoreCRM.Grains.Abstractions.Notifications;
using M3CoreCRM.Grains.Persistence;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace M3CoreCRM.Grains.Notifications;

/// <summary>
/// The safety net under the live stream for notifications: every few seconds, tenants whose notification checkpoint
/// lags their event log (a stream batch lost, a dispatcher that failed, a silo that died mid-way) have their
/// dispatcher grain catch up from the log.
/// </summary>
public sealed partial class NotificationSweep(NotificationDispatcher dispatcher, IGrainFactory grains, IStorageGate gate, ILogger<NotificationSweep> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await gate.WhenReadyAsync(stoppingToken);
        using var timer = new PeriodicTimer(Interval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                foreach (var (tenantId, _) in await dispatcher.LaggingTenantsAsync(stoppingToken))
                {
                    await grains.GetGrain<INotificationDispatcherGrain>(tenantId).CatchUpAsync();
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                LogSweepFailed(logger, exception);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Looking for tenants whose notifications lag their events failed; trying again")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
