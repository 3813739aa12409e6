using System.Globalization;
using System.Text.Json;
using M3CoreCRM.ApiHost.Conventions;
using M3CoreCRM.ApiHost.Identity;
using M3CoreCRM.ApiHost.Leads;
using M3CoreCRM.Grains.Abstractions.Activities;
using M3CoreCRM.Grains.Abstractions.Identity;
using M3CoreCRM.Grains.Abstractions.Inventory;
using M3CoreCRM.Grains.Abstractions.Errors;
using M3CoreCRM.Grains.Abstractions.Tenancy;
using M3CoreCRM.Grains.Persistence;
using Npgsql;

namespace M3CoreCRM.ApiHost.Activities;

public sealed record SubjectRequest(string? Type, Guid? Id);

public sealed record LogActivityRequest(ActivityType? Type, SubjectRequest? Subject, DateTime? At, int? DurationSeconds, string? Outcome, string? Body);

/// <summary>
/// Activities (calls, meetings, notes, messages, site visits) on records. Listed newest first within the
/// caller's <c>activities.read</c> scope (by who logged them). Calls from call queues are logged by
/// <c>POST /leads/{id}/calls</c>, which also schedules the next call.
/// </summary>
public static class ActivitiesApi
{
    private static readonly SortColumn At = new("at", "timestamptz");

    public static RouteGroupBuilder MapActivitiesApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapTenantGroup("/api/v1/activities", "Activities");
        group.MapGet("", ListAsync).WithName("ListActivities").WithSummary("List activities").RequirePermission(Permissions.ActivitiesRead)
            .WithDescription("Newest first. Filters: subjectType and subjectId, type, ownerId, from, to.");
        group.MapPost("", LogAsync).WithName("LogActivity").WithSummary("Log an activity").RequirePermission(Permissions.ActivitiesWrite)
            .WithDescription("Subjects: lead, contact, company, deal or unit, each one the caller may read.");
        return group;
    }

    private static async Task<Ok<Page<ActivityInfo>>> ListAsync(
        Caller caller, NpgsqlDataSource db, string? subjectType, Guid? subjectId, string? type, Guid? ownerId, DateTime? from, DateTime? to,
        string? cursor, int? limit, CancellationToken cancellationToken)
    {
        var take = Cursor.Limit(limit);
        var after = Cursor.Decode(cursor);
        await using var batch = db.ForTenant(caller.TenantId);
        var command = batch.Add("");
        var where = new SqlConditions(command);
        where.Where($"a.tenant_id = {where.Param(caller.TenantId)}")
            .Where(ScopeFilter.Condition(caller, Permissions.ActivitiesRead, "a.owner_id", command))
            .WhereIf(subjectType, p => $"a.subject_type = {p}")
            .WhereIf(subjectId, p => $"a.subject_id = {p}")
            .WhereIf(type, p => $"a.type = {p}")
            .WhereIf(ownerId, p => $"a.owner_id = {p}")
            .WhereIf(from?.ToUniversalTime(), p => $"a.at >= {p}")
            .WhereIf(to?.ToUniversalTime(), p => $"a.at < {p}");
        where.After(after, At, descending: true, "a");
        command.CommandText = $"SELECT a.id, a.state::text FROM activities a WHERE {where} ORDER BY {SortOptions.OrderBy(At, true, "a")} LIMIT {where.Param(take + 1)}";
        var items = new List<ActivityInfo>();
        await using (var reader = await batch.ReadAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                items.Add(JsonSerializer.Deserialize<ActivityInfo>(reader.GetString(1), GrainJson.Options)! with { Id = reader.GetGuid(0) });
            }
        }

        return TypedResults.Ok(Page.FromRows(items, take, activity => new Cursor(activity.At.ToString("O", CultureInfo.InvariantCulture), activity.Id)));
    }

    private static async Task<Created<ActivityInfo>> LogAsync(LogActivityRequest request, Caller caller, IGrainFactory grains, SubjectCheck subjects, HttpContext context, CancellationToken cancellationToken)
    {
        new Validation()
            .Check(request.Type is not null, "type", "One of: call, meeting, note, email, sms, whatsapp, site_visit.")
            .Check(request.Subject is not null, "subject", "Required: { type, id }.")
            .Check(request.DurationSeconds is null or (>= 0 and <= 86_400), "durationSeconds", "0 to 86400 seconds.")
            .Optional("outcome", request.Outcome, 200)
            .Optional("body", request.Body, 10_000)
            .ThrowIfInvalid();
        var subject = await subjects.CheckAsync(caller, request.Subject!, cancellationToken);
        // The activity grain answers a repeated create with the record as it is.
        var id = RecordIds.New(context, "activity");
        var activity = await grains.GetGrain<IActivityGrain>(caller.TenantId, id).CreateAsync(new NewActivity(
            request.Type!.Value, subject, (request.At ?? DateTime.UtcNow).ToUniversalTime(), request.DurationSeconds, request.Outcome, request.Body, caller.UserId));
        return TypedResults.Created($"/api/v1/activities/{id}", activity);
    }
}
