using M3CoreCRM.ApiHost.Conventions;
using M3CoreCRM.Grains.Abstractions.Approvals;

namespace M3CoreCRM.ApiHost.Approvals;

/// <summary>The HTTP answer of an action a policy may gate: 200 with the record, or 202 with the approval it waits for.</summary>
public static class GatedResults
{
    public static Results<Ok<T>, Accepted<ApprovalTicket>> ToResult<T>(this Gated<T> gated, HttpResponse response, Func<T, long> versionOf)
        where T : class
    {
        if (gated.Pending is { } ticket)
        {
            return TypedResults.Accepted($"/api/v1/approvals/{ticket.ApprovalId}", ticket);
        }

        Versioning.SetETag(response, versionOf(gated.Result!));
        return TypedResults.Ok(gated.Result!);
    }
}
