namespace M3CoreCRM.Runtime.Cluster;

/// <summary>Settings of a silo in a cluster (configuration section <c>Cluster</c>). Off: one silo, no leases.</summary>
public sealed class ClusterOptions
{
    public const string Section = "Cluster";

    public bool Enabled { get; set; }

    /// <summary>This silo's id; a new one each start unless set.</summary>
    public Guid SiloId { get; set; } = Guid.CreateVersion7();

    /// <summary>Where other processes reach this silo's internal endpoint.</summary>
    public string Address { get; set; } = "";

    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>A silo silent for this long is dead: it takes part in no placement.</summary>
    public TimeSpan DeadAfter { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a lease lasts unless renewed; after a silo dies its tenants move when their leases expire.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(15);

    public TimeSpan LeaseRenewInterval { get; set; } = TimeSpan.FromSeconds(4);
}
