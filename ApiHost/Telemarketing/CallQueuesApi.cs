using System.Text.Json;
using M3CoreCRM.ApiHost.Conventions;
using M3CoreCRM.ApiHost.Identity;
using M3CoreCRM.ApiHost.Leads;
using M3CoreCRM.Grains.Abstractions.Identity;
using M3CoreCRM.Grains.Abstractions.Leads;
using M3CoreCRM.Grains.Abstractions.Telemarketing;
using M3CoreCRM.Grains.Abstractions.Errors;
using M3CoreCRM.Grains.Abstractions.Tenancy;
using M3CoreCRM.Grains.Persistence;
using Npgsql;

namespace M3CoreCRM.ApiHost.Telemarketing;

public sealed record CallQueueFilterRequest([property: NeverNull] string[]? Statuses, [property: NeverNull] string[]? Sources, [property: NeverNull] string[]? Tags);

public sealed record SaveCallQueueRequest(
    [property: NeverNull] string? Name, [property: NeverNull] Guid? GroupId, [property: NeverNull] CallQueueFilterRequest? Filter,
    [property: NeverNull] int? RetryAfterMinutes, [property: NeverNull] int? MaxAttempts);

public sealed record NextLeadRequest(int? LockMinutes);

/// <summary>Telemarketing call queues: managers define them; agents of the queue's group pull the next lead to call.</summary>
public static class CallQueuesApi
{
    private const int DefaultLockMinutes = 10;

    public static RouteGroupBuilder MapCallQueuesApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapTenantGroup("/api/v1/call-queues", "Telemarketing");
        group.MapGet("", ListAsync).WithName("ListCallQueues").WithSummary("List call queues").RequirePermission(Permissions.LeadsRead);
        group.MapGet("/{id:guid}", GetAsync).WithName("GetCallQueue").WithSummary("Get a call queue").RequirePermission(Permissions.LeadsRead);
        group.MapPost("", CreateAsync).WithName("CreateCallQueue").WithSummary("Create a call queue").RequirePermission(Permissions.LeadsAssign);
        group.MapPatch("/{id:guid}", UpdateAsync).WithName("UpdateCallQueue").WithSummary("Update a call queue").RequirePermission(Permissions.LeadsAssign);
        group.MapPost("/{id:guid}/next", NextAsync).WithName("NextLeadToCall").WithSummary("Take the next lead to call").RequirePermission(Permissions.ActivitiesWrite)
            .WithDescription("Hands the caller the next due lead of the queue (due retries and callbacks first, then leads never called), locked to them for lockMinutes (1 to 120, default 10); 204 when none is due. Callers must belong to the queue's group (or hold leads.assign at scope all).");
        return group;
    }

    private static async Task<Ok<Page<CallQueueInfo>>> ListAsync(Caller caller, RecordQueries queries, string? cursor, int? limit, CancellationToken cancellationToken) =>
        TypedResults.Ok(await queries.PageByNameAsync<CallQueueInfo>(caller, SettingsTable.CallQueues, cursor, limit, q => q.Name, q => q.Id, cancellationToken));

    private static async Task<Ok<CallQueueInfo>> GetAsync(Guid id, Caller caller, IGrainFactory grains, HttpResponse response)
    {
        var queue = await grains.GetGrain<ICallQueueGrain>(caller.TenantId, id).GetAsync();
        Versioning.SetETag(response, queue.Version);
        return TypedResults.Ok(queue);
    }

    private static async Task<Created<CallQueueInfo>> CreateAsync(SaveCallQueueRequest request, Caller caller, IGrainFactory grains, LeadQueries leads, CancellationToken cancellationToken)
    {
        var fields = await ValidateAsync(request, caller, grains, leads, cancellationToken);
        var id = Guid.CreateVersion7();
        var queue = await grains.GetGrain<ICallQueueGrain>(caller.TenantId, id).CreateAsync(fields);
        return TypedResults.Created($"/api/v1/call-queues/{id}", queue);
    }

    private static async Task<Ok<CallQueueInfo>> UpdateAsync(Guid id, SaveCallQueueRequest request, Caller caller, IGrainFactory grains, LeadQueries leads, HttpContext context, CancellationToken cancellationToken)
    {
        var grain = grains.GetGrain<ICallQueueGrain>(caller.TenantId, id);
        var queue = await Versioning.MergeAsync(context.Request, grain.GetAsync, current => current.Version, async (current, version) =>
            await grain.UpdateAsync(await ValidateAsync(new SaveCallQueueRequest(
                request.Name ?? current.Name,
                request.GroupId ?? current.GroupId,
                new CallQueueFilterRequest(
                    request.Filter?.Statuses ?? [.. current.Filter.Statuses],
                    request.Filter?.Sources ?? [.. current.Filter.Sources],
                    request.Filter?.Tags ?? [.. current.Filter.Tags]),
                request.RetryAfterMinutes ?? current.RetryAfterMinutes,
                request.MaxAttempts ?? current.MaxAttempts), caller, grains, leads, cancellationToken), version));
        Versioning.SetETag(context.Response, queue.Version);
        return TypedResults.Ok(queue);
    }

    private static async Task<Results<Ok<LeadInfo>, NoContent>> NextAsync(Guid id, NextLeadRequest? request, Caller caller, IGrainFactory grains, LeadQueries leads, CancellationToken cancellationToken)
    {
        var grain = grains.GetGrain<ICallQueueGrain>(caller.TenantId, id);
        var queue = await grain.GetAsync();
        new Validation().Check(request?.LockMinutes is null or (>= 1 and <= 120), "lockMinutes", "1 to 120 minutes.").ThrowIfInvalid();
        if (caller.ScopeOf(Permissions.LeadsAssign) != PermissionScope.All && !await leads.MemberOfAsync(caller.TenantId, queue.GroupId, caller.UserId, cancellationToken))
        {
            throw new DomainException(DomainErrorKind.Forbidden, "forbidden", "Only members of the queue's group take leads from it.");
        }

        var lead = await grain.NextAsync(caller.UserId, request?.LockMinutes ?? DefaultLockMinutes);
        return lead is null ? TypedResults.NoContent() : TypedResults.Ok(lead);
    }

    private static async Task<CallQueueFields> ValidateAsync(SaveCallQueueRequest request, Caller caller, IGrainFactory grains, LeadQueries leads, CancellationToken cancellationToken)
    {
        var catalog = await grains.GetGrain<ILeadCatalogGrain>(caller.TenantId, caller.TenantId).GetAsync();
        var statuses = request.Filter?.Statuses ?? [];
        var sources = request.Filter?.Sources ?? [];
        var validation = new Validation()
            .Required("name", request.Name, 200)
            .Check(request.RetryAfterMinutes is null or (>= 1 and <= 43_200), "retryAfterMinutes", "1 to 43200 minutes.")
            .Check(request.MaxAttempts is null or (>= 1 and <= 100), "maxAttempts", "1 to 100.")
            .Check(statuses.All(s => catalog.Status(s) is not null), "filter.statuses", "Every status must be one of the tenant's.")
            .Check(sources.All(catalog.HasSource), "filter.sources", "Every source must be one of the tenant's.");
        var tags = validation.Tags("filter.tags", request.Filter?.Tags);
        validation.Check(statuses.All(s => s is not null) && sources.All(s => s is not null), "filter", "No empty entries.");
        if (request.GroupId is not { } groupId)
        {
            validation.Add("groupId", "Required: the group whose agents work the queue, and whose leads it calls.");
        }
        else if (!await leads.GroupExistsAsync(caller.TenantId, groupId, cancellationToken))
        {
            validation.Add("groupId", "No such group in this tenant.");
        }

        validation.ThrowIfInvalid();

        // A queue hands out its group's leads: setting one up needs leads.assign over that group.
        var scope = caller.ScopeOf(Permissions.LeadsAssign);
        if (scope != PermissionScope.All && !(scope == PermissionScope.Group && await leads.MemberOfAsync(caller.TenantId, request.GroupId!.Value, caller.UserId, cancellationToken)))
        {
            throw new DomainException(DomainErrorKind.Forbidden, "forbidden", "Your scope of leads.assign does not reach that group.");
        }

        return new CallQueueFields(request.Name!.Trim(), request.GroupId!.Value, new CallQueueFilter([.. statuses.Distinct()], [.. sources.Distinct()], tags), request.RetryAfterMinutes ?? 60, request.MaxAttempts ?? 5);
    }
}
