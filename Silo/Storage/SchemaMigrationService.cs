using M3CoreCRM.Grains.Persistence;

namespace M3CoreCRM.Silo.Storage;

/// <summary>
/// Applies the migrations at start-up, retrying while PostgreSQL is unreachable, so the
/// process stays live (and not ready) until the schema is in place.
/// </summary>
public sealed partial class SchemaMigrationService(MigrationRunner runner, ILogger<SchemaMigrationService> logger) : BackgroundService, IStorageGate
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(2);
    private readonly TaskCompletionSource _applied = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool IsApplied => _applied.Task.IsCompletedSuccessfully;

    /// <summary>Completes once the schema is up to date; grain storage waits on it before its first query.</summary>
    public Task WhenReadyAsync(CancellationToken cancellationToken) =>
        _applied.Task.IsCompleted ? _applied.Task : _applied.Task.WaitAsync(cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await runner.ApplyAsync(stoppingToken);
                _applied.TrySetResult();
                return;
            }
            catch (Exception exception) when (exception is not OperationCanceledException && exception is not InvalidOperationException)
            {
                LogRetry(logger, exception, RetryDelay.TotalSeconds);
                await Task.Delay(RetryDelay, stoppingToken);
            }
            catch (InvalidOperationException exception)
            {
                // A changed or duplicate migration is a defect in the build, not a passing outage: fail loudly.
                _applied.TrySetException(exception);
                throw;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Migrations could not be applied yet; retrying in {Seconds} s")]
    private static partial void LogRetry(ILogger logger, Exception exception, double seconds);
}
