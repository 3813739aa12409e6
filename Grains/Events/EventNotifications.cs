using System.Collections.Concurrent;
using M3CoreCRM.Grains.Persistence;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace M3CoreCRM.Grains.Events;

/// <summary>
/// One <c>LISTEN</c> connection per process for every subscriber: each <c>NOTIFY</c> on the event
/// channel (see <see cref="EventAnnouncer"/>) wakes the readers of that tenant. While the connection is down, and every few seconds
/// regardless, waiters wake anyway and re-read, so a lost notification only delays, never loses.
/// </summary>
public sealed partial class EventNotifications(NpgsqlDataSource dataSource, IStorageGate gate, ILogger<EventNotifications> logger) : BackgroundService
{
    /// <summary>The channel on which event appends are announced, with payload <c>tenantId:lastSequence</c>.</summary>
    public const string Channel = "m3_events";

    private static readonly TimeSpan SafetyPoll = TimeSpan.FromSeconds(5);
    private readonly ConcurrentDictionary<Guid, TaskCompletionSource> _signals = new();
    private TaskCompletionSource _anywhere = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>A task that completes at the tenant's next append (take it before reading).</summary>
    public Task NextAppend(Guid tenantId) =>
        _signals.GetOrAdd(tenantId, static _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    /// <summary>A task that completes at the next append of any tenant (take it before reading).</summary>
    public Task NextAppendAnywhere() => Volatile.Read(ref _anywhere).Task;

    /// <summary>Waits for <paramref name="appended"/>, or the safety poll interval, whichever is first.</summary>
    public static async Task WaitAsync(Task appended, CancellationToken cancellationToken)
    {
        try
        {
            await appended.WaitAsync(SafetyPoll, cancellationToken);
        }
        catch (TimeoutException)
        {
            // Re-read anyway.
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await gate.WhenReadyAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(stoppingToken);
                connection.Notification += (_, notification) => Signal(notification.Payload);
                await using (var listen = new NpgsqlCommand($"LISTEN {EventNotifications.Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                // Whatever was appended while we were not listening: wake everyone to re-read.
                SignalAll();
                while (!stoppingToken.IsCancellationRequested)
                {
                    await connection.WaitAsync(stoppingToken);
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogListenFailed(logger, exception);
                SignalAll();
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
            }
        }
    }

    /// <summary>Wakes this process's readers of the tenant.</summary>
    public void Signal(Guid tenantId)
    {
        if (_signals.TryRemove(tenantId, out var signal))
        {
            signal.TrySetResult();
        }

        SignalAnywhere();
    }

    private void SignalAnywhere() =>
        Interlocked.Exchange(ref _anywhere, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    private void Signal(string payload)
    {
        var separator = payload.IndexOf(':', StringComparison.Ordinal);
        if (separator > 0 && Guid.TryParse(payload.AsSpan(0, separator), out var tenantId))
        {
            Signal(tenantId);
        }
    }

    private void SignalAll()
    {
        SignalAnywhere();
        foreach (var tenantId in _signals.Keys)
        {
            if (_signals.TryRemove(tenantId, out var signal))
            {
                signal.TrySetResult();
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The event LISTEN connection failed; reconnecting")]
    private static partial void LogListenFailed(ILogger logger, Exception exception);
}
