using System.Diagnostics;
using M3CoreCRM.Runtime.Grains;
using Microsoft.Extensions.Hosting;

namespace M3CoreCRM.Runtime.Activations;

/// <summary>
/// Retires activations idle past the idle timeout, and, when the silo holds more than its bound,
/// the least recently used idle ones until it is back under it.
/// </summary>
internal sealed class ActivationCollector(Catalog catalog) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var options = catalog.Options;
        while (!stoppingToken.IsCancellationRequested)
        {
            // Wakes at the interval, or at once when a new activation pushed the silo over its bound.
            await catalog.WaitForOverCapacityAsync(options.CollectionInterval, stoppingToken);
            Collect();
        }
    }

    internal void Collect()
    {
        var options = catalog.Options;
        var idleSince = Stopwatch.GetTimestamp() - (long)(options.IdleTimeout.TotalSeconds * Stopwatch.Frequency);
        var activations = catalog.Snapshot();
        foreach (var activation in activations)
        {
            if (activation.LastUsed <= idleSince)
            {
                activation.TryDeactivate(DeactivationReason.Idle);
            }
        }

        // Activations already on their way out still sit in the catalog; only live ones count against the bound.
        var excess = activations.Count(a => a.IsLive) - options.MaxActivations;
        if (excess <= 0)
        {
            return;
        }

        foreach (var activation in activations.OrderBy(a => a.LastUsed))
        {
            if (excess <= 0)
            {
                break;
            }

            if (activation.TryDeactivate(DeactivationReason.CapacityExceeded))
            {
                excess--;
            }
        }
    }
}

/// <summary>Retires every activation when the silo stops, after the services that send it work.</summary>
internal sealed class CatalogLifetime(Catalog catalog) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await catalog.DeactivateAllAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is TimeoutException or OperationCanceledException)
        {
            // Whatever did not finish in time is dropped with the process; its state is stored.
        }
    }
}
