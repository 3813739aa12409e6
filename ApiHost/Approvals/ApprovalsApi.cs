using System.Globalization;
using M3CoreCRM.ApiHost.Conventions;
using M3CoreCRM.ApiHost.Identity;
using M3CoreCRM.Grains.Abstractions.Approvals;
using M3CoreCRM.Grains.Abstractions.Identity;
using M3CoreCRM.Grains.Abstractions.Errors;
using M3CoreCRM.Grains.Abstractions.Tenancy;
using M3CoreCRM.Grains.Persistence;
using Npgsql;

namespace M3CoreCRM.ApiHost.Approvals;

/// <summary>A decision; with <c>level</c>, it counts only if that level is still the one awaited (409 <c>level_changed</c> otherwise).</summary>
public sealed record DecideApprovalRequest(string? Comment, int? Level);

public sealed record CancelApprovalRequest(string? Comment);

/// <summary>
/// Approval requests: each is seen by its requester, its approvers and holders of <c>approvals.manage</c>
/// (anyone else gets 404); approvers decide, the requester may cancel.
/// </summary>
public static class ApprovalsApi
{
    private const int MaxCommentLength = 2000;
    private static readonly SortColumn CreatedAt = new("created_at", "timestamptz");
    private static readonly string[] Statuses = [.. Enum.GetValues<ApprovalStatus>().Select(s => s.ToString().ToLowerInvariant())];

    public static RouteGroupBuilder MapApprovalsApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapTenantGroup("/api/v1/approvals", "Approvals");
        group.MapGet("", ListAsync).WithName("ListApprovals").WithSummary("List approval requests")
            .WithDescription("Newest first. Filters: status (pending, approved, rejected, expired, cancelled), mine=awaiting (pending at a level the caller may still decide) or mine=requested, action, subjectType with subjectId.");
        group.MapGet("/{id:guid}", GetAsync).WithName("GetApproval").WithSummary("Get an approval request");
        group.MapPost("/{id:guid}/approve", ApproveAsync).WithName("ApproveApproval").WithSummary("Approve a request").RequirePermission(Permissions.ApprovalsDecide)
            .WithDescription("""
                Approves the level awaited. Only the request's approvers decide, each once, and never the requester (403 self_approval).
                The last level applies the action in the subject's grain if its rules still allow it; otherwise the request ends rejected with detail saying why.
                A request already decided is 409 approval_closed; with level in the body, a level decided meanwhile is 409 level_changed.
                """);
        group.MapPost("/{id:guid}/reject", RejectAsync).WithName("RejectApproval").WithSummary("Reject a request").RequirePermission(Permissions.ApprovalsDecide)
            .WithDescription("Rejects the request at the awaited level; the subject stays as it was. A request that is no longer pending: 409 approval_closed; a level decided meanwhile: 409 level_changed.");
        group.MapPost("/{id:guid}/cancel", CancelAsync).WithName("CancelApproval").WithSummary("Cancel a request")
            .WithDescription("The requester (or a holder of approvals.manage) withdraws a pending request; the subject stays as it was. A request that is no longer pending: 409 approval_closed.");
        return group;
    }

    private static async Task<Ok<Page<ApprovalInfo>>> ListAsync(
        Caller caller, NpgsqlDataSource db, string? status, string? mine, string? action, string? subjectType, Guid? subjectId, string? cursor, int? limit,
        CancellationToken cancellationToken)
    {
        new Validation()
            .Check(status is null || Statuses.Contains(status), "status", string.Join(", ", Statuses) + ".")
            .Check(mine is null or "awaiting" or "requested", "mine", "awaiting or requested.")
            .ThrowIfInvalid();
        var take = Cursor.Limit(limit);
        var after = Cursor.Decode(cursor);
        await using var batch = db.ForTenant(caller.TenantId);
        var command = batch.Add("");
        var where = new SqlConditions(command);
        var me = where.Param(caller.UserId.ToString());
        where.Where($"a.tenant_id = {where.Param(caller.TenantId)}");
        where.Where(Visible(caller, me));
        where.WhereIf(status, p => $"a.status = {p}");
        where.WhereIf(action, p => $"a.action = {p}");
        where.WhereIf(subjectType, p => $"a.subject_type = {p}");
        where.WhereIf(subjectId, p => $"a.subject_id = {p}");
        if (mine == "awaiting")
        {
            where.Where($"a.status = 'pending' AND a.approver_ids @> jsonb_build_array({me}::text) AND NOT (a.state -> 'decisions') @> jsonb_build_array(jsonb_build_object('userId', {me}::text))");
        }
        else if (mine == "requested")
        {
            where.Where($"a.requester_id = {me}::uuid");
        }

        where.After(after, CreatedAt, descending: true, "a");
        command.CommandText = $"SELECT a.id, a.state::text, a.version FROM approvals a WHERE {where} ORDER BY {SortOptions.OrderBy(CreatedAt, true, "a")} LIMIT {where.Param(take + 1)}";
        var items = new List<ApprovalInfo>();
        await using (var reader = await batch.ReadAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                items.Add(RecordQueries.Row<ApprovalInfo>(reader));
            }
        }

        return TypedResults.Ok(Page.FromRows(items, take, a => new Cursor(a.CreatedAt.ToString("O", CultureInfo.InvariantCulture), a.Id)));
    }

    private static async Task<Ok<ApprovalInfo>> GetAsync(Guid id, Caller caller, IGrainFactory grains, HttpResponse response)
    {
        var approval = await VisibleAsync(grains, caller, id);
        Versioning.SetETag(response, approval.Version);
        return TypedResults.Ok(approval);
    }

    private static Task<Ok<ApprovalInfo>> ApproveAsync(Guid id, DecideApprovalRequest? request, Caller caller, IGrainFactory grains, HttpResponse response) =>
        DecideAsync(id, request, caller, grains, response, (approval, decision) => approval.ApproveAsync(decision));

    private static Task<Ok<ApprovalInfo>> RejectAsync(Guid id, DecideApprovalRequest? request, Caller caller, IGrainFactory grains, HttpResponse response) =>
        DecideAsync(id, request, caller, grains, response, (approval, decision) => approval.RejectAsync(decision));

    private static async Task<Ok<ApprovalInfo>> DecideAsync(
        Guid id, DecideApprovalRequest? request, Caller caller, IGrainFactory grains, HttpResponse response, Func<IApprovalGrain, DecideApproval, Task<ApprovalInfo>> decide)
    {
        Validate(request?.Comment, request?.Level);
        await VisibleAsync(grains, caller, id);
        var approval = await decide(grains.GetGrain<IApprovalGrain>(caller.TenantId, id), new DecideApproval(caller.UserId, request?.Comment?.Trim(), request?.Level));
        Versioning.SetETag(response, approval.Version);
        return TypedResults.Ok(approval);
    }

    private static async Task<Ok<ApprovalInfo>> CancelAsync(Guid id, CancelApprovalRequest? request, Caller caller, IGrainFactory grains, HttpResponse response)
    {
        Validate(request?.Comment, null);
        await VisibleAsync(grains, caller, id);
        var approval = await grains.GetGrain<IApprovalGrain>(caller.TenantId, id)
            .CancelAsync(new CancelApproval(caller.UserId, request?.Comment?.Trim(), caller.Can(Permissions.ApprovalsManage)));
        Versioning.SetETag(response, approval.Version);
        return TypedResults.Ok(approval);
    }

    private static void Validate(string? comment, int? level) =>
        new Validation()
            .Optional("comment", comment, MaxCommentLength)
            .Check(level is null or (>= 1 and <= ApprovalPolicyLimits.MaxLevels), "level", $"1 to {ApprovalPolicyLimits.MaxLevels}.")
            .ThrowIfInvalid();

    /// <summary>The approval, if the caller may see it; 404 otherwise, as for one that does not exist.</summary>
    private static async Task<ApprovalInfo> VisibleAsync(IGrainFactory grains, Caller caller, Guid id)
    {
        var approval = await grains.GetGrain<IApprovalGrain>(caller.TenantId, id).GetAsync();
        if (!caller.Can(Permissions.ApprovalsManage) && approval.RequestedBy != caller.UserId && !approval.ApproverIds.Contains(caller.UserId))
        {
            throw DomainException.NotFound("The approval");
        }

        return approval;
    }

    /// <summary>The SQL condition on <c>approvals</c> (as <paramref name="alias"/>) of the requests the caller may see; <paramref name="me"/> is the parameter of the caller's id as text.</summary>
    internal static string Visible(Caller caller, string me, string alias = "a") => caller.Can(Permissions.ApprovalsManage)
        ? "TRUE"
        : $"({alias}.requester_id = {me}::uuid OR {alias}.approver_ids @> jsonb_build_array({me}::text))";
}
