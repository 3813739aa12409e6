using M3CoreCRM.Grains.Abstractions.Events;
using Microsoft.Extensions.Logging;
using Orleans.Streams;

namespace M3CoreCRM.Grains.Events;

/// <summary>
/// The tenant's event relay (<see cref="IEventRelayGrain"/>). Its calls run one at a time, and each runs
/// publishing rounds (<see cref="EventPublisher"/>) until the tenant has nothing committed left to number,
/// so one call publishes what many writes appended. Each round's events go to the tenant's live stream
/// (<see cref="EventStreams"/>) in position order, after they are numbered and committed.
/// </summary>
[GrainType("event-relay")]
public sealed partial class EventRelayGrain(EventPublisher publisher, ILogger<EventRelayGrain> logger) : CrmGrain, IEventRelayGrain
{
    private IAsyncStream<PublishedEvents>? _stream;

    private IAsyncStream<PublishedEvents> Stream =>
        _stream ??= this.GetStreamProvider(EventStreams.Provider).GetStream<PublishedEvents>(EventStreams.For(TenantId));

    public async Task PublishAsync()
    {
        while (true)
        {
            var events = await publisher.PublishRoundAsync(TenantId);
            if (events.Count > 0)
            {
                try
                {
                    await Stream.OnNextAsync(new PublishedEvents(events));
                }
                catch (Exception exception)
                {
                    // The events are numbered and stored; readers fill the gap from the log.
                    LogStreamFailed(logger, exception, TenantId, events[^1].Sequence);
                }
            }

            if (events.Count < EventPublisher.RoundSize)
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing events of tenant {TenantId} up to {Sequence} to the live stream failed; readers will read them from the log")]
    private static partial void LogStreamFailed(ILogger logger, Exception exception, Guid tenantId, long sequence);
}
