namespace M3CoreCRM.Runtime.Errors;

/// <summary>
/// This silo does not own the tenant (any more): its lease is gone or another silo is the tenant's
/// place. Nothing was written. The caller refreshes its view of the cluster and retries at the owner.
/// </summary>
public sealed class NotOwnerException(Guid tenantId, Guid? ownerHint)
    : Exception($"This silo does not own tenant {tenantId:N}.")
{
    public Guid TenantId { get; } = tenantId;

    public Guid? OwnerHint { get; } = ownerHint;
}
