using M3CoreCRM.Grains.Abstractions.Leads;

namespace M3CoreCRM.Grains.Activities;

/// <summary>The ids and outcome of call activities that leads and contacts log.</summary>
public static class CallActivityIds
{
    /// <summary>
    /// The id of a click-to-call's one activity, which its agent's disposition and its provider's report both write to;
    /// worked out from the tenant and our id of the call (a version-7 id, whose time the activity id keeps).
    /// </summary>
    public static Guid ForClickToCall(Guid tenantId, Guid callId) =>
        DerivedIds.Create(DerivedIds.UnixMillisecondsOf(callId), $"voip-call:{tenantId:N}:{callId:N}");

    /// <summary>
    /// The id of the <paramref name="attempt"/>th call logged on a record: the same every time, so a retry after the
    /// record's own write failed finds the activity already there.
    /// </summary>
    public static Guid ForAttempt(Guid tenantId, Guid recordId, int attempt) =>
        DerivedIds.Create(DerivedIds.UnixMillisecondsOf(recordId), $"{tenantId:N}:{recordId:N}:call:{attempt}");

    /// <summary>The activity's outcome for a disposition, as the API spells it (no_answer, not_interested ...).</summary>
    public static string Outcome(CallDisposition disposition) => disposition switch
    {
        CallDisposition.NoAnswer => "no_answer",
        CallDisposition.WrongNumber => "wrong_number",
        CallDisposition.NotInterested => "not_interested",
        _ => disposition.ToString().ToLowerInvariant(),
    };
}
