namespace M3CoreCRM.Grains.Abstractions.Events;

/// <summary>
/// The live event streams: one Orleans stream per tenant, on which the tenant's relay publishes each round of
/// newly numbered events. Delivery is best effort (memory streams); every reader knows its position and fills
/// any gap from the event log, so a lost batch delays, never loses.
/// </summary>
public static class EventStreams
{
    /// <summary>The stream provider's name, on silos and clients.</summary>
    public const string Provider = "live";

    /// <summary>The stream namespace; the stream key is the tenant id.</summary>
    public const string Namespace = "events";

    /// <summary>The tenant's stream.</summary>
    public static StreamId For(Guid tenantId) => StreamId.Create(Namespace, tenantId);
}

/// <summary>One relay round's events, in position order with no gap between them.</summary>
[GenerateSerializer, Immutable, Alias("crm.PublishedEvents")]
public sealed record PublishedEvents([property: Id(0)] IReadOnlyList<StoredEvent> Events);
