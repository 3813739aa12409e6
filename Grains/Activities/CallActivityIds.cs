namespace M3CoreCRM.Grains.Activities;

/// <summary>The id of a click-to-call's one activity, which its agent's disposition and its provider's report both write to.</summary>
public static class CallActivityIds
{
    /// <summary>Worked out from the tenant and our id of the call (a version-7 id, whose time the activity id keeps).</summary>
    public static Guid ForClickToCall(Guid tenantId, Guid callId) =>
        DerivedIds.Create(DerivedIds.UnixMillisecondsOf(callId), $"voip-call:{tenantId:N}:{callId:N}");
}
