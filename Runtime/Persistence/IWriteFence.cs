namespace M3CoreCRM.Runtime.Persistence;

/// <summary>
/// Which tenants this silo may write, and under which lease. In a cluster a write carries its silo
/// and lease epoch and fails (<see cref="Errors.NotOwnerException"/>) if the lease is gone; on one
/// silo there is nothing to fence.
/// </summary>
public interface IWriteFence
{
    bool Enabled { get; }

    /// <summary>The silo and epoch under which this silo may write the tenant's state; null when it holds no lease.</summary>
    (Guid SiloId, long Epoch)? For(Guid tenantId);

    /// <summary>A write found the lease gone: stop using it.</summary>
    void Lost(Guid tenantId);

    /// <summary>True when calls for the tenant may run here now, without asking the database.</summary>
    bool Owns(Guid tenantId);

    /// <summary>Takes (or confirms) the tenant's lease; <see cref="Errors.NotOwnerException"/> when the tenant's place is another silo.</summary>
    Task EnsureOwnedAsync(Guid tenantId, CancellationToken cancellationToken);

    /// <summary>Raised when this silo stops owning a tenant, so its activations are retired.</summary>
    event Action<Guid>? OwnershipLost;
}

/// <summary>One silo: it owns every tenant and nothing is fenced.</summary>
internal sealed class SingleSilo : IWriteFence
{
    public event Action<Guid>? OwnershipLost
    {
        add { }
        remove { }
    }

    public bool Enabled => false;

    public (Guid SiloId, long Epoch)? For(Guid tenantId) => null;

    public void Lost(Guid tenantId)
    {
    }

    public bool Owns(Guid tenantId) => true;

    public Task EnsureOwnedAsync(Guid tenantId, CancellationToken cancellationToken) => Task.CompletedTask;
}
