using M3CoreCRM.Grains.Abstractions.Errors;
using M3CoreCRM.Grains.Abstractions.Tenancy;

namespace M3CoreCRM.Silo.Hosting;

/// <summary>
/// Fails closed on tenancy: a call whose caller context names a tenant runs only on grains of that tenant
/// (the tenant is the grain key's extension). Calls without a tenant in their context (the system's own:
/// reminders, the notification dispatcher) pass, as do Orleans' own grains.
/// </summary>
internal sealed partial class TenantCallFilter(ILogger<TenantCallFilter> logger) : IIncomingGrainCallFilter
{
    public Task Invoke(IIncomingGrainCallContext context)
    {
        if (CallerContext.TenantId is { } callerTenant && TenantOf(context) is { } grainTenant && grainTenant != callerTenant)
        {
            LogRefused(logger, callerTenant, context.TargetContext.GrainId, context.ImplementationMethod.Name);
            throw DomainException.NotFound("The record");
        }

        return context.Invoke();
    }

    private static Guid? TenantOf(IIncomingGrainCallContext context) =>
        context.TargetContext.GrainInstance is ITenantKeyed keyed ? keyed.TenantId
        : context.TargetContext.GrainId.TryGetTenantKey(out var tenant, out _) ? tenant
        : null;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a call of tenant {CallerTenant} to {GrainId}.{Method}")]
    private static partial void LogRefused(ILogger logger, Guid callerTenant, GrainId grainId, string method);
}
