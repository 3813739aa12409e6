using System.Globalization;
using M3CoreCRM.ApiHost.Activities;
using M3CoreCRM.ApiHost.Conventions;
using M3CoreCRM.ApiHost.Identity;
using M3CoreCRM.ApiHost.Leads;
using M3CoreCRM.Grains.Abstractions.Activities;
using M3CoreCRM.Grains.Abstractions.Identity;
using M3CoreCRM.Grains.Abstractions.Tasks;
using M3CoreCRM.Grains.Abstractions.Errors;
using M3CoreCRM.Grains.Abstractions.Tenancy;
using M3CoreCRM.Grains.Persistence;
using Npgsql;

namespace M3CoreCRM.ApiHost.Tasks;

public sealed record SaveTaskRequest(
    [property: NeverNull] string? Title, [property: NeverNull] DateTime? DueAt, [property: NeverNull] Guid? AssigneeId, SubjectRequest? Subject, [property: NeverNull] TaskPriority? Priority, string? Notes);

/// <summary>Tasks: things to do by a time, assigned to someone (whose scope of tasks.read and tasks.write reaches them).</summary>
public static class TasksApi
{
    private static readonly SortColumn DueAt = new("due_at", "timestamptz");

    public static RouteGroupBuilder MapTasksApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapTenantGroup("/api/v1/tasks", "Tasks");
        group.MapGet("", ListAsync).WithName("ListTasks").WithSummary("List tasks").RequirePermission(Permissions.TasksRead)
            .WithDescription("Soonest due first. Filters: assigneeId, status (open, completed), dueBefore, subjectType and subjectId; q matches the title.");
        group.MapGet("/{id:guid}", GetAsync).WithName("GetTask").WithSummary("Get a task").RequirePermission(Permissions.TasksRead);
        group.MapPost("", CreateAsync).WithName("CreateTask").WithSummary("Create a task").RequirePermission(Permissions.TasksWrite)
            .WithDescription("When dueAt passes while the task is open, task.due is raised and the assignee is notified.");
        group.MapPatch("/{id:guid}", UpdateAsync).WithName("UpdateTask").WithSummary("Update a task").RequirePermission(Permissions.TasksWrite);
        group.MapPost("/{id:guid}/complete", CompleteAsync).WithName("CompleteTask").WithSummary("Complete a task").RequirePermission(Permissions.TasksWrite);
        return group;
    }

    private static async Task<Ok<Page<TaskItemInfo>>> ListAsync(
        Caller caller, NpgsqlDataSource db, Guid? assigneeId, string? status, DateTime? dueBefore, string? subjectType, Guid? subjectId, string? q, string? cursor, int? limit, CancellationToken cancellationToken)
    {
        new Validation().Check(status is null or "open" or "completed", "status", "open or completed.").ThrowIfInvalid();
        var take = Cursor.Limit(limit);
        var after = Cursor.Decode(cursor);
        await using var batch = db.ForTenant(caller.TenantId);
        var command = batch.Add("");
        var where = new SqlConditions(command);
        where.Where($"r.tenant_id = {where.Param(caller.TenantId)}")
            .Where(ScopeFilter.Condition(caller, Permissions.TasksRead, "r.owner_id", command))
            .WhereIf(assigneeId, p => $"r.owner_id = {p}")
            .WhereIf(status, p => $"r.status = {p}")
            .WhereIf(dueBefore?.ToUniversalTime(), p => $"r.due_at < {p}")
            .WhereIf(subjectType, p => $"r.subject_type = {p}")
            .WhereIf(subjectId, p => $"r.subject_id = {p}")
            .WhereIf(SqlConditions.LikeLiteral(q), p => $"lower(r.state ->> 'title') LIKE '%' || {p} || '%'");
        where.After(after, DueAt, false, "r");
        command.CommandText = $"SELECT r.id, r.state::text, r.version FROM tasks r WHERE {where} ORDER BY {SortOptions.OrderBy(DueAt, false, "r")} LIMIT {where.Param(take + 1)}";
        var items = new List<TaskItemInfo>();
        await using (var reader = await batch.ReadAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                items.Add(WithOverdue(RecordQueries.Row<TaskItemInfo>(reader)));
            }
        }

        return TypedResults.Ok(Page.FromRows(items, take, t => new Cursor(t.DueAt.ToString("O", CultureInfo.InvariantCulture), t.Id)));
    }

    private static async Task<Ok<TaskItemInfo>> GetAsync(Guid id, Caller caller, IGrainFactory grains, HttpResponse response)
    {
        var task = await InScopeAsync(grains, caller, id, Permissions.TasksRead);
        Versioning.SetETag(response, task.Version);
        return TypedResults.Ok(task);
    }

    private static async Task<Created<TaskItemInfo>> CreateAsync(SaveTaskRequest request, Caller caller, IGrainFactory grains, LeadQueries people, SubjectCheck subjects, HttpContext context, CancellationToken cancellationToken)
    {
        var fields = await ValidateAsync(request with { AssigneeId = request.AssigneeId ?? caller.UserId }, caller, people, subjects, null, cancellationToken);
        var id = RecordIds.New(context, "task");
        var grain = grains.GetGrain<ITaskItemGrain>(caller.TenantId, id);
        return TypedResults.Created($"/api/v1/tasks/{id}", await RecordIds.CreateOnceAsync(context, () => grain.CreateAsync(fields), grain.GetAsync));
    }

    private static async Task<Ok<TaskItemInfo>> UpdateAsync(
        Guid id, SaveTaskRequest request, Caller caller, IGrainFactory grains, LeadQueries people, SubjectCheck subjects, HttpContext context, CancellationToken cancellationToken)
    {
        await InScopeAsync(grains, caller, id, Permissions.TasksWrite);
        var grain = grains.GetGrain<ITaskItemGrain>(caller.TenantId, id);
        var task = await Versioning.MergeAsync(context.Request, grain.GetAsync, current => current.Version, async (current, version) =>
            await grain.UpdateAsync(await ValidateAsync(new SaveTaskRequest(
                request.Title ?? current.Title,
                request.DueAt ?? current.DueAt,
                request.AssigneeId ?? current.AssigneeId,
                request.Subject ?? (current.Subject is { } s ? new SubjectRequest(s.Type, s.Id) : null),
                request.Priority ?? current.Priority,
                request.Notes ?? current.Notes), caller, people, subjects, current, cancellationToken), version));
        Versioning.SetETag(context.Response, task.Version);
        return TypedResults.Ok(task);
    }

    private static async Task<Ok<TaskItemInfo>> CompleteAsync(Guid id, Caller caller, IGrainFactory grains)
    {
        await InScopeAsync(grains, caller, id, Permissions.TasksWrite);
        return TypedResults.Ok(await grains.GetGrain<ITaskItemGrain>(caller.TenantId, id).CompleteAsync());
    }

    private static TaskItemInfo WithOverdue(TaskItemInfo task) => task with { Overdue = task.Status == TaskItemStatus.Open && task.DueAt <= DateTime.UtcNow };

    /// <summary>The task from its grain's memory, when the caller's scope of <paramref name="permission"/> reaches its assignee (404 otherwise).</summary>
    private static async Task<TaskItemInfo> InScopeAsync(IGrainFactory grains, Caller caller, Guid id, string permission)
    {
        var task = await grains.GetGrain<ITaskItemGrain>(caller.TenantId, id).GetAsync();
        caller.EnsureReaches(permission, task.AssigneeId, "The task");
        return WithOverdue(task);
    }

    private static async Task<TaskItemFields> ValidateAsync(SaveTaskRequest request, Caller caller, LeadQueries people, SubjectCheck subjects, TaskItemInfo? current, CancellationToken cancellationToken)
    {
        new Validation()
            .Required("title", request.Title, 200)
            .Check(request.DueAt is not null, "dueAt", "Required.")
            .Optional("notes", request.Notes, 4000)
            .ThrowIfInvalid();
        var subject = request.Subject is null ? null : await subjects.CheckAsync(caller, request.Subject, cancellationToken);
        if (request.AssigneeId != current?.AssigneeId)
        {
            await Ownership.EnsureMayOwnAsync(people, caller, request.AssigneeId!.Value, null, caller.ScopeOf(Permissions.TasksWrite), cancellationToken);
        }

        return new TaskItemFields(request.Title!.Trim(), request.DueAt!.Value.ToUniversalTime(), request.AssigneeId!.Value, subject, request.Priority ?? TaskPriority.Normal, request.Notes);
    }
}
