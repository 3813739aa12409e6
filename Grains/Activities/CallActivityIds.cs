using M3CoreCRM.Grains.Abstractions.Activities;
using M3CoreCRM.Grains.Abstractions.Leads;

namespace M3CoreCRM.Grains.Activities;

/// <summary>The call activities that leads and contacts log: their ids, their outcome, and which activity an agent's call goes into.</summary>
public static class CallActivityIds
{
    /// <summary>
    /// The id of a click-to-call's one activity, which its agent's disposition and its provider's report both write to;
    /// worked out from the tenant and our id of the call (a version-7 id, whose time the activity id keeps).
    /// </summary>
    public static Guid ForClickToCall(Guid tenantId, Guid callId) =>
        DerivedIds.Create(DerivedIds.UnixMillisecondsOf(callId), $"voip-call:{tenantId:N}:{callId:N}");

    /// <summary>
    /// Records an agent's call on a record as a call activity. A click-to-call placed since the record's last logged call
    /// is the call this tells of: it goes into that call's one activity, which the provider's report completes (in either
    /// order), so the call counts once. Otherwise it is the record's <paramref name="attempt"/>th call, under an id that a
    /// retry after the record's own write failed finds again.
    /// </summary>
    public static Task<ActivityInfo> RecordAgentCallAsync(
        IGrainFactory grains, Guid tenantId, Guid recordId, int attempt, DateTime? lastCalledAt, PlacedCall? clickToCall, NewActivity activity) =>
        clickToCall is { } placed && (lastCalledAt is null || placed.PlacedAt > lastCalledAt)
            ? grains.GetGrain<IActivityGrain>(tenantId, ForClickToCall(tenantId, placed.CallId)).RecordCallAsync(new CallAccount(CallAccountSource.Agent, activity))
            : grains.GetGrain<IActivityGrain>(tenantId, ForAttempt(tenantId, recordId, attempt)).CreateAsync(activity);

    private static Guid ForAttempt(Guid tenantId, Guid recordId, int attempt) =>
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
