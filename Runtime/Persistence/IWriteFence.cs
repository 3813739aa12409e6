namespace M3CoreCRM.Runtime.Persistence;

/// <summary>
/// Which tenants this silo may write, and under which lease. In a cluster a write carries its silo
/// and lease epoch and fails (<see cref="Errors.NotOwnerException"/>) if the lease is gone; on one
/// silo there is nothing to fence.
/// </summary>
public interface IWriteFence
{
    bool Enabled { get; }

    /// <summary>This silo in the cluster (null on one silo).</summary>
    Guid? SiloId { get; }

    /// <summary>True when rendezvous placement puts the tenant on this silo (always on one silo).</summary>
    bool IsPlacedHere(Guid tenantId);

    /// <summary>The silo and epoch under which this silo may write the tenant's state; null when it holds no lease.</summary>
    (Guid SiloId, long Epoch)? For(Guid tenantId);

    /// <summary>A write under <paramref name="epoch"/> found the lease gone: stop using that lease (a newer one stays).</summary>
    void Lost(Guid tenantId, long epoch);

    /// <summary>True when calls for the tenant may run here now, without asking the database.</summary>
    bool Owns(Guid tenantId);

    /// <summary>Takes (or confirms) the tenant's lease; <see cref="Errors.NotOwnerException"/> when the tenant's place is another silo.</summary>
    Task EnsureOwnedAsync(Guid tenantId, CancellationToken cancellationToken);

    /// <summary>Set by the catalog: retires a tenant's activations; the task completes when they are gone.</summary>
    Func<Guid, Task>? RetireTenant { get; set; }
}

/// <summary>One silo: it owns every tenant and nothing is fenced.</summary>
internal sealed class SingleSilo : IWriteFence
{
    public Func<Guid, Task>? RetireTenant { get; set; }

    public bool Enabled => false;

    public Guid? SiloId => null;

    public bool IsPlacedHere(Guid tenantId) => true;

    public (Guid SiloId, long Epoch)? For(Guid tenantId) => null;

    public void Lost(Guid tenantId, long epoch)
    {
    }

    public bool Owns(Guid tenantId) => true;

    public Task EnsureOwnedAsync(Guid tenantId, CancellationToken cancellationToken) => Task.CompletedTask;
}
