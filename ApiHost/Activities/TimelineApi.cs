using System.Globalization;
using System.Text.Json;
using M3CoreCRM.ApiHost.Conventions;
using M3CoreCRM.ApiHost.Identity;
using M3CoreCRM.Grains.Abstractions.Activities;
using M3CoreCRM.Grains.Abstractions.Identity;
using M3CoreCRM.Grains.Abstractions.Errors;
using M3CoreCRM.Grains.Persistence;
using Npgsql;

namespace M3CoreCRM.ApiHost.Activities;

/// <summary>One entry of a record's timeline: a recorded change (stage moves and field changes), an activity, a task, or an approval request.</summary>
public sealed record TimelineEntry(string Kind, string Type, DateTime At, Guid? ActorId, JsonElement Data);

/// <summary>A record's history in one list, newest first: what changed (from the audit log), what was done, what is to do.</summary>
public static class TimelineApi
{
    public static RouteGroupBuilder MapTimelineApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapTenantGroup("/api/v1/entities", "Activities");
        group.MapGet("/{type}/{id:guid}/timeline", TimelineAsync).WithName("GetTimeline").WithSummary("Get a record's timeline")
            .WithDescription("type: lead, contact, company, deal or unit. Entries { kind: change | activity | task | approval, type, at, actorId, data }, newest first; activities and tasks within the caller's scopes of activities.read and tasks.read; approval requests about the record (type: the action, at: when asked, actorId: the requester, data: the request) that the caller may see.");
        return group;
    }

    private static async Task<Ok<Page<TimelineEntry>>> TimelineAsync(
        string type, Guid id, Caller caller, SubjectCheck subjects, NpgsqlDataSource db, string? cursor, int? limit, CancellationToken cancellationToken)
    {
        if (!SubjectCheck.Types.Contains(type) || !await subjects.MayReadAsync(caller, new ActivitySubject(type, id), cancellationToken))
        {
            throw DomainException.NotFound($"The {type}");
        }

        var take = Cursor.Limit(limit);
        var decoded = Cursor.Decode(cursor);
        var after = decoded is null ? null : decoded.Value?.Split('|', 2) ?? throw DomainException.Invalid("cursor", "The cursor is not one this API returned.");
        await using var batch = db.ForTenant(caller.TenantId);
        var command = batch.Add("");
        var where = new SqlConditions(command);
        var tenant = where.Param(caller.TenantId);
        var entityType = where.Param(type);
        var entityId = where.Param(id);
        var activityScope = ScopeFilter.Condition(caller, Permissions.ActivitiesRead, "act.owner_id", command);
        var taskScope = ScopeFilter.Condition(caller, Permissions.TasksRead, "t.owner_id", command);
        var approvalScope = Approvals.ApprovalsApi.Visible(caller, where.Param(caller.UserId.ToString()), "p");
        if (after is [var at, var key] && DateTime.TryParse(at, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var afterAt))
        {
            where.Where($"(items.at, items.key) < ({where.Param(afterAt)}, {where.Param(key)})");
        }
        else if (after is not null)
        {
            throw DomainException.Invalid("cursor", "The cursor is not one this API returned.");
        }

        command.CommandText = $"""
            SELECT items.kind, items.key, items.type, items.at, items.actor_id, items.data::text FROM (
                SELECT 'change' AS kind, 'c:' || lpad(a.id::text, 20, '0') AS key, a.action AS type, a.at, a.actor_id, coalesce(a.changes, '{"{}"}'::jsonb) AS data
                FROM audit_logs a WHERE a.tenant_id = {tenant} AND a.entity_type = {entityType} AND a.entity_id = {entityId}
                UNION ALL
                SELECT 'activity', 'a:' || act.id::text, act.type, act.at, act.owner_id, act.state
                FROM activities act WHERE act.tenant_id = {tenant} AND act.subject_type = {entityType} AND act.subject_id = {entityId} AND {activityScope}
                UNION ALL
                SELECT 'task', 't:' || t.id::text, 'task', t.due_at, t.owner_id, t.state
                FROM tasks t WHERE t.tenant_id = {tenant} AND t.subject_type = {entityType} AND t.subject_id = {entityId} AND {taskScope}
                UNION ALL
                SELECT 'approval', 'p:' || p.id::text, p.action, p.created_at, p.requester_id, p.state || jsonb_build_object('id', p.id)
                FROM approvals p WHERE p.tenant_id = {tenant} AND p.subject_type = {entityType} AND p.subject_id = {entityId} AND {approvalScope}
            ) items
            WHERE {where}
            ORDER BY items.at DESC, items.key DESC
            LIMIT {where.Param(take + 1)}
            """;
        var rows = new List<(TimelineEntry Entry, string Key)>();
        await using (var reader = await batch.ReadAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                using var data = JsonDocument.Parse(reader.GetString(5));
                rows.Add((new TimelineEntry(reader.GetString(0), reader.GetString(2), reader.GetDateTime(3), reader.IsDBNull(4) ? null : reader.GetGuid(4), data.RootElement.Clone()), reader.GetString(1)));
            }
        }

        var page = Page.FromRows(rows, take, row => new Cursor($"{row.Entry.At.ToString("O", CultureInfo.InvariantCulture)}|{row.Key}", Guid.Empty));
        return TypedResults.Ok(new Page<TimelineEntry>([.. page.Items.Select(r => r.Entry)], page.NextCursor));
    }
}
