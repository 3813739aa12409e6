namespace M3CoreCRM.Runtime.Errors;

/// <summary>
/// This silo does not own the tenant (any more): its lease is gone or another silo is the tenant's
/// place. <see cref="BeforeRunning"/> says whether the call was refused before any of it ran (safe
/// to send elsewhere) or whether a write inside it was refused (it may have done part of its work).
/// </summary>
public sealed class NotOwnerException(Guid tenantId, Guid? ownerHint, bool beforeRunning = false)
    : Exception($"This silo does not own tenant {tenantId:N}.")
{
    public Guid TenantId { get; } = tenantId;

    public Guid? OwnerHint { get; } = ownerHint;

    public bool BeforeRunning { get; } = beforeRunning;
}
