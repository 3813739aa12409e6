using M3CoreCRM.Grains.Persistence;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace M3CoreCRM.Grains.Events;

/// <summary>
/// The safety net under <see cref="EventRelayCalls"/>: a process that committed events and died before telling
/// the relay, or a call that failed, leaves committed events without positions. Every few seconds each silo
/// asks which tenants have such events older than a moment and calls their relays. Only committed rows are
/// visible, so a transaction still open is not waited for; it is found once it commits.
/// </summary>
public sealed partial class EventRelaySweeper(NpgsqlDataSource dataSource, EventRelayCalls relays, IStorageGate gate, ILogger<EventRelaySweeper> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await gate.WhenReadyAsync(stoppingToken);
        using var timer = new PeriodicTimer(Interval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await using var batch = dataSource.ForSystem();
                batch.Add("SELECT DISTINCT tenant_id FROM events WHERE seq IS NULL AND occurred_at < now() - interval '1 second'");
                await using var reader = await batch.ReadAsync(stoppingToken);
                while (await reader.ReadAsync(stoppingToken))
                {
                    relays.Appended(reader.GetGuid(0));
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                LogSweepFailed(logger, exception);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Looking for events waiting for their positions failed; trying again")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
