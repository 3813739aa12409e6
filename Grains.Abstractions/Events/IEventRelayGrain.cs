namespace M3CoreCRM.Grains.Abstractions.Events;

/// <summary>
/// A tenant's event relay, one in the cluster (key: the tenant id, in the tenant). Writers append events
/// without positions and tell the relay; it gives the committed ones the tenant's next gap-free positions
/// and publishes them to the tenant's live event stream.
/// </summary>
public interface IEventRelayGrain : IGrainWithGuidCompoundKey
{
    /// <summary>Numbers and publishes every event of the tenant that had committed when this call arrived.</summary>
    Task PublishAsync();
}
