using M3CoreCRM.ApiHost.OpenApi;
using M3CoreCRM.ApiHost.Approvals;
using M3CoreCRM.Grains.Abstractions.Approvals;
using System.Globalization;
using M3CoreCRM.ApiHost.Conventions;
using M3CoreCRM.ApiHost.Errors;
using M3CoreCRM.ApiHost.Identity;
using M3CoreCRM.ApiHost.Integrations;
using M3CoreCRM.ApiHost.Inventory;
using M3CoreCRM.Grains.Abstractions.Identity;
using M3CoreCRM.Grains.Abstractions.Leads;
using M3CoreCRM.Grains.Abstractions.Telemarketing;
using M3CoreCRM.Grains.Abstractions.Errors;
using M3CoreCRM.Grains.Abstractions.Tenancy;
using M3CoreCRM.Grains.Persistence;
using Npgsql;

namespace M3CoreCRM.ApiHost.Leads;

public sealed record InterestRequest(Guid? ProjectId, string[]? UnitTypeCodes);

public sealed record SaveLeadRequest(
    [property: NeverNull] string? Name, string? Phone, string? Email, [property: NeverNull] string? Source, [property: NeverNull] string? Status, Guid? OwnerId, Guid? GroupId,
    MoneyRequest? Budget, InterestRequest? Interest, [property: NeverNull] string[]? Tags, string? Notes);

public sealed record AssignLeadRequest(Guid? OwnerId, Guid? GroupId, AssignmentStrategy? Strategy);

public sealed record LogCallRequest(CallDisposition? Disposition, int? DurationSeconds, string? Notes, DateTime? CallbackAt);

public sealed record ConvertDealRequest(Guid? PipelineId, Guid? StageId, string? Title, MoneyRequest? Value);

public sealed record ConvertLeadRequest(string? CompanyName, ConvertDealRequest? Deal);

/// <summary>
/// Leads: the tenant's prospects. Reads are SQL scoped by the caller's <c>leads.read</c> scope (a lead
/// outside it is 404); writes go through each lead's grain.
/// </summary>
public static class LeadsApi
{
    private const int DefaultRetryAfterMinutes = 60;

    private static readonly SortOptions Sorts = new("createdAt", new Dictionary<string, SortColumn>
    {
        ["createdAt"] = new("created_at", "timestamptz"),
        ["updatedAt"] = new("updated_at", "timestamptz"),
        ["name"] = new("name", "text"),
    });

    public static RouteGroupBuilder MapLeadsApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapTenantGroup("/api/v1/leads", "Leads");
        group.MapGet("", ListAsync).WithName("ListLeads").WithSummary("List leads").RequirePermission(Permissions.LeadsRead)
            .WithDescription("Filters: status, source, ownerId, groupId, tag, createdFrom, createdTo; q matches name, phone (digits) and email. Sort: createdAt (default, newest first), updatedAt, name.");
        group.MapGet("/{id:guid}", GetAsync).WithName("GetLead").WithSummary("Get a lead").RequirePermission(Permissions.LeadsRead);
        group.MapPost("", CreateAsync).WithName("CreateLead").WithSummary("Create a lead").RequirePermission(Permissions.LeadsWrite)
            .WithDescription("409 duplicate_lead (with existingId) when an open lead has the phone or email; ?allowDuplicate=true needs leads.write at scope all. Past the plan's lead limit: 403 plan_limit (`limit`: leads).")
            .WithExamples(Examples.CreateLeadRequest, (201, Examples.Lead), (409, Examples.DuplicateLead));
        group.MapPatch("/{id:guid}", UpdateAsync).WithName("UpdateLead").WithSummary("Update a lead").RequirePermission(Permissions.LeadsWrite)
            .WithDescription("Fields left out keep their value. A new owner of an owned lead under a lead.reassign approval policy answers 202 { approvalId, status } and changes nothing until approved; it must then come alone (409 approval_required).");
        group.MapDelete("/{id:guid}", DeleteAsync).WithName("DeleteLead").WithSummary("Delete a lead").RequirePermission(Permissions.LeadsWrite);
        group.MapPost("/{id:guid}/assign", AssignAsync).WithName("AssignLead").WithSummary("Assign a lead").RequirePermission(Permissions.LeadsAssign)
            .WithDescription("{ ownerId } or { groupId, strategy: round_robin | least_loaded }. Giving an owned lead to someone else under a lead.reassign approval policy answers 202 { approvalId, status: pending }; on approval it is applied if the lead still has the owner it had. A group with no active member: 409 group_empty.");
        group.MapPost("/{id:guid}/convert", ConvertAsync).WithName("ConvertLead").WithSummary("Convert a lead").RequirePermission(Permissions.LeadsWrite)
            .WithDescription("Creates a contact from the lead, a company when companyName is given, and a deal when deal is given (pipelineId, optional stageId, title, value: the lead's budget by default): once (409 already_converted).");
        group.MapPost("/{id:guid}/calls", LogCallAsync).WithName("LogCall").WithSummary("Log a call on a lead").RequirePermission(Permissions.ActivitiesWrite)
            .WithDescription("Logs a call as an activity, releases the caller's lock and schedules the retry (no_answer, busy: the queue's retryAfterMinutes) or the callback (callbackAt). " +
                "When the caller placed a click-to-call to this lead in the last 2 hours, after the lead's last logged call, the disposition is that call's: it goes into the call's one activity " +
                "(which the provider's report completes, in either order), so the call counts once. While another agent holds the lead for a call: 409 locked.");
        return group;
    }

    private static async Task<Ok<Page<LeadInfo>>> ListAsync(
        Caller caller, NpgsqlDataSource db, [AsParameters] LeadFilter filter, string? sort, string? cursor, int? limit, CancellationToken cancellationToken)
    {
        var take = Cursor.Limit(limit);
        var after = Cursor.Decode(cursor);
        var (field, column, descending) = Sorts.Parse(sort ?? "-createdAt");
        await using var batch = db.ForTenant(caller.TenantId);
        var command = batch.Add("");
        var where = new SqlConditions(command);
        where.Where($"l.tenant_id = {where.Param(caller.TenantId)} AND NOT l.deleted")
            .Where(ScopeFilter.Condition(caller, Permissions.LeadsRead, "l.owner_id", command));
        filter.Apply(where);
        where.After(after, column, descending, "l");
        command.CommandText = $"SELECT l.id, l.state::text, l.version FROM leads l WHERE {where} ORDER BY {SortOptions.OrderBy(column, descending, "l")} LIMIT {where.Param(take + 1)}";
        var items = new List<LeadInfo>();
        await using (var reader = await batch.ReadAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                items.Add(LeadQueries.FromRow(reader));
            }
        }

        return TypedResults.Ok(Page.FromRows(items, take, lead => new Cursor(SortValue(lead, field), lead.Id)));
    }

    private static string SortValue(LeadInfo lead, string field) => field switch
    {
        "name" => lead.Name,
        "updatedAt" => lead.UpdatedAt.ToString("O", CultureInfo.InvariantCulture),
        _ => lead.CreatedAt.ToString("O", CultureInfo.InvariantCulture),
    };

    private static async Task<Ok<LeadInfo>> GetAsync(Guid id, Caller caller, IGrainFactory grains, HttpResponse response)
    {
        var lead = await ReadableAsync(grains, caller, id);
        Versioning.SetETag(response, lead.Version);
        return TypedResults.Ok(lead);
    }

    private static Task<LeadInfo> ReadableAsync(IGrainFactory grains, Caller caller, Guid id) =>
        InScopeAsync(grains.GetGrain<ILeadGrain>(caller.TenantId, id), caller, Permissions.LeadsRead, orLockedToCaller: true);

    /// <summary>
    /// The lead from its grain's memory (its state is the committed state: writes go through it), when the caller's
    /// scope of <paramref name="permission"/> reaches its owner or, where <paramref name="orLockedToCaller"/>, a queue
    /// has it locked to the caller right now (an agent reads, and logs calls on, the leads a queue hands them).
    /// Otherwise 404, as for a lead that does not exist.
    /// </summary>
    private static async Task<LeadInfo> InScopeAsync(ILeadGrain grain, Caller caller, string permission, bool orLockedToCaller = false)
    {
        var lead = await grain.GetAsync();
        var lockedToCaller = orLockedToCaller && lead.Calls.LockedBy == caller.UserId && lead.Calls.LockedUntil > DateTime.UtcNow;
        return caller.Reaches(permission, lead.OwnerId) || lockedToCaller ? lead : throw DomainException.NotFound("The lead");
    }

    private static async Task<Results<Created<LeadInfo>, ProblemHttpResult>> CreateAsync(
        SaveLeadRequest request, bool? allowDuplicate, Caller caller, IGrainFactory grains, LeadQueries leads, InventoryQueries inventory, HttpContext context, CancellationToken cancellationToken)
    {
        var catalog = await grains.GetGrain<ILeadCatalogGrain>(caller.TenantId, caller.TenantId).GetAsync();
        var fields = await CheckInterestAsync(Validate(request with { OwnerId = request.OwnerId ?? caller.UserId }, catalog, null), caller, inventory, cancellationToken);
        if (allowDuplicate == true && caller.ScopeOf(Permissions.LeadsWrite) != PermissionScope.All)
        {
            throw new DomainException(DomainErrorKind.Forbidden, "forbidden", "Letting in a duplicate lead needs leads.write at scope all.");
        }

        await Ownership.EnsureMayOwnAsync(leads, caller, fields.OwnerId!.Value, fields.GroupId, Ownership.WidestOf(caller, Permissions.LeadsWrite, Permissions.LeadsAssign), cancellationToken);
        var id = RecordIds.New(context, "lead");
        var grain = grains.GetGrain<ILeadGrain>(caller.TenantId, id);
        if (allowDuplicate != true && await leads.DuplicateOfAsync(caller.TenantId, fields.Phone, fields.Email, null, cancellationToken) is { } existing)
        {
            // The same request ran before and its answer was lost: the lead it made is no duplicate of itself.
            return existing == id && RecordIds.IsDerived(context) ? TypedResults.Created($"/api/v1/leads/{id}", await grain.GetAsync()) : Duplicate(existing);
        }

        try
        {
            var lead = await RecordIds.CreateOnceAsync(context, () => grain.CreateAsync(new CreateLead(fields, allowDuplicate == true)), grain.GetAsync);
            return TypedResults.Created($"/api/v1/leads/{id}", lead);
        }
        catch (DomainException exception) when (exception.Code == "duplicate_lead")
        {
            // Another request created the same person a moment ago: name the lead that won.
            return Duplicate(await leads.DuplicateOfAsync(caller.TenantId, fields.Phone, fields.Email, null, cancellationToken));
        }
    }

    private static async Task<Results<Ok<LeadInfo>, Accepted<ApprovalTicket>, ProblemHttpResult>> UpdateAsync(
        Guid id, SaveLeadRequest request, Caller caller, IGrainFactory grains, LeadQueries leads, InventoryQueries inventory, HttpContext context, CancellationToken cancellationToken)
    {
        var grain = grains.GetGrain<ILeadGrain>(caller.TenantId, id);
        var catalog = await grains.GetGrain<ILeadCatalogGrain>(caller.TenantId, caller.TenantId).GetAsync();
        try
        {
            // The lead is read, and its scope checked, before anything of the request is: one out of scope is a 404.
            var lead = await Versioning.MergeAsync(context.Request, () => InScopeAsync(grain, caller, Permissions.LeadsWrite), current => current.Version, async (current, version) =>
            {
                var fields = Validate(Merge(request, current), catalog, current);
                if (request.Interest is not null)
                {
                    fields = await CheckInterestAsync(fields, caller, inventory, cancellationToken);
                }

                if ((fields.OwnerId != current.OwnerId || fields.GroupId != current.GroupId) && !caller.Can(Permissions.LeadsAssign))
                {
                    throw new DomainException(DomainErrorKind.Forbidden, "forbidden", "Changing a lead's owner or group needs the permission 'leads.assign'.");
                }

                if (fields.OwnerId != current.OwnerId || fields.GroupId != current.GroupId)
                {
                    await Ownership.EnsureMayOwnAsync(leads, caller, fields.OwnerId ?? caller.UserId, fields.GroupId, caller.ScopeOf(Permissions.LeadsAssign), cancellationToken);
                }

                return await grain.UpdateAsync(fields, version);
            });
            if (lead.Pending is { } ticket)
            {
                return TypedResults.Accepted($"/api/v1/approvals/{ticket.ApprovalId}", ticket);
            }

            Versioning.SetETag(context.Response, lead.Result!.Version);
            return TypedResults.Ok(lead.Result);
        }
        catch (DomainException exception) when (exception.Code == "duplicate_lead")
        {
            var current = await grain.GetAsync();
            var merged = Validate(Merge(request, current), catalog, current);
            return Duplicate(await leads.DuplicateOfAsync(caller.TenantId, merged.Phone, merged.Email, id, cancellationToken));
        }
    }

    private static async Task<NoContent> DeleteAsync(Guid id, Caller caller, IGrainFactory grains, HttpRequest request)
    {
        var grain = grains.GetGrain<ILeadGrain>(caller.TenantId, id);
        await InScopeAsync(grain, caller, Permissions.LeadsWrite);
        await grain.DeleteAsync(Versioning.IfMatch(request));
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<LeadInfo>, Accepted<ApprovalTicket>>> AssignAsync(
        Guid id, AssignLeadRequest request, Caller caller, IGrainFactory grains, LeadQueries leads, HttpResponse response, CancellationToken cancellationToken)
    {
        var grain = grains.GetGrain<ILeadGrain>(caller.TenantId, id);
        await InScopeAsync(grain, caller, Permissions.LeadsAssign);
        var scope = caller.ScopeOf(Permissions.LeadsAssign);
        new Validation()
            .Check(request.OwnerId is not null ^ request.GroupId is not null, "ownerId", "Give either ownerId, or groupId with a strategy.")
            .Check(request.GroupId is null || request.Strategy is not null, "strategy", "round_robin or least_loaded.")
            .ThrowIfInvalid();
        Guid owner;
        if (request.GroupId is { } groupId)
        {
            if (!await leads.GroupExistsAsync(caller.TenantId, groupId, cancellationToken))
            {
                throw DomainException.Invalid("groupId", "No such group in this tenant.");
            }

            if (scope != PermissionScope.All && !(scope == PermissionScope.Group && await leads.MemberOfAsync(caller.TenantId, groupId, caller.UserId, cancellationToken)))
            {
                throw new DomainException(DomainErrorKind.Forbidden, "forbidden", "Your scope of leads.assign does not reach that group.");
            }

            owner = await grains.GetGrain<IGroupAssignmentGrain>(caller.TenantId, groupId).PickAsync(request.Strategy!.Value);
        }
        else
        {
            owner = request.OwnerId!.Value;
            await Ownership.EnsureMayOwnAsync(leads, caller, owner, null, scope, cancellationToken);
        }

        return (await grain.AssignAsync(owner, request.GroupId)).ToResult(response, l => l.Version);
    }

    private static async Task<Ok<LeadInfo>> LogCallAsync(
        Guid id, LogCallRequest request, Caller caller, IGrainFactory grains, NpgsqlDataSource db, CancellationToken cancellationToken)
    {
        // A call changes the lead (attempts, next call, done): the agent holding it from a queue, or someone who may write it.
        var grain = grains.GetGrain<ILeadGrain>(caller.TenantId, id);
        var current = await InScopeAsync(grain, caller, Permissions.LeadsWrite, orLockedToCaller: true);
        new Validation()
            .Check(request.Disposition is not null, "disposition", "One of: answered, no_answer, busy, wrong_number, callback, not_interested, interested.")
            .Check(request.DurationSeconds is null or (>= 0 and <= 86_400), "durationSeconds", "0 to 86400 seconds.")
            .Optional("notes", request.Notes, 4000)
            .Check(request.Disposition != CallDisposition.Callback || request.CallbackAt > DateTime.UtcNow, "callbackAt", "A callback needs a time in the future.")
            .ThrowIfInvalid();
        // The caller's latest click-to-call to the lead is read while the lead and its queue are asked.
        var clickToCall = PlacedCalls.LatestAsync(db, caller.TenantId, caller.UserId, "lead", id, cancellationToken);
        var retryAfter = (current.Calls.LockedByQueue ?? current.Calls.LastQueueId) is { } queueId
            ? (await grains.GetGrain<ICallQueueGrain>(caller.TenantId, queueId).GetAsync()).RetryAfterMinutes
            : DefaultRetryAfterMinutes;
        return TypedResults.Ok(await grain.LogCallAsync(caller.UserId, new LogCall(
            request.Disposition!.Value, request.DurationSeconds ?? 0, request.Notes, request.CallbackAt?.ToUniversalTime(), retryAfter) { ClickToCall = await clickToCall }));
    }

    private static async Task<Ok<LeadConversion>> ConvertAsync(
        Guid id, ConvertLeadRequest? request, Caller caller, IGrainFactory grains, LeadQueries leads, RecordQueries queries, NpgsqlDataSource db, CancellationToken cancellationToken)
    {
        var lead = await ReadableAsync(grains, caller, id);
        caller.EnsureReaches(Permissions.LeadsWrite, lead.OwnerId, "The lead");

        new Validation().Optional("companyName", request?.CompanyName, 200).ThrowIfInvalid();
        var owner = lead.OwnerId ?? caller.UserId;

        // What the conversion creates, the caller must be allowed to create, for that owner.
        await Ownership.EnsureMayOwnAsync(leads, caller, owner, null, caller.ScopeOf(Permissions.ContactsWrite), cancellationToken);
        if (!string.IsNullOrWhiteSpace(request?.CompanyName))
        {
            await Ownership.EnsureMayOwnAsync(leads, caller, owner, null, caller.ScopeOf(Permissions.CompaniesWrite), cancellationToken);
        }

        var names = lead.Name.Split(' ', 2, StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var contact = new Grains.Abstractions.Contacts.ContactFields(
            Clip(names[0], 100), names.Length > 1 ? Clip(names[1], 100) : "", lead.Email is null ? [] : [lead.Email], lead.Phone is null ? [] : [lead.Phone], null, owner);
        var company = string.IsNullOrWhiteSpace(request?.CompanyName) ? null : new Grains.Abstractions.Contacts.CompanyFields(request.CompanyName.Trim(), null, null, owner);
        Grains.Abstractions.Deals.DealFields? deal = null;
        if (request?.Deal is { } wanted)
        {
            var value = wanted.Value ?? (lead.Budget is { } budget ? new MoneyRequest(budget.Amount, budget.Currency) : null);
            deal = await Deals.DealsApi.ValidateAsync(
                new Deals.SaveDealRequest(wanted.Title ?? lead.Name, wanted.PipelineId, wanted.StageId, value, null, null, null, null, owner, null, 0),
                caller, grains, leads, queries, db, null, cancellationToken);
        }

        return TypedResults.Ok(await grains.GetGrain<ILeadGrain>(caller.TenantId, id).ConvertAsync(new ConvertLead(contact, company, deal)));
    }

    /// <summary>
    /// A lead's interest names a project of this tenant and unit types of its catalog (400 naming the field otherwise,
    /// the same for another tenant's project as for none); the codes are stored as the catalog spells them.
    /// </summary>
    private static async Task<LeadFields> CheckInterestAsync(LeadFields fields, Caller caller, InventoryQueries inventory, CancellationToken cancellationToken)
    {
        if (fields.Interest is not { } interest)
        {
            return fields;
        }

        var validation = new Validation();
        if (interest.ProjectId is { } projectId && !await inventory.ProjectExistsAsync(caller.TenantId, projectId, cancellationToken))
        {
            validation.Add("interest.projectId", "No project of this tenant has this id.");
        }

        var codes = await inventory.CatalogCodesAsync(caller.TenantId, "unit", interest.UnitTypeCodes, cancellationToken);
        foreach (var missing in interest.UnitTypeCodes.Where(c => !codes.ContainsKey(c)).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            validation.Add("interest.unitTypeCodes", $"'{missing}' is not in the tenant's unit types.");
        }

        validation.ThrowIfInvalid();
        return fields with { Interest = interest with { UnitTypeCodes = [.. interest.UnitTypeCodes.Select(c => codes[c]).Distinct(StringComparer.Ordinal)] } };
    }

    private static string Clip(string text, int length) => text.Length <= length ? text : text[..length];

    private static ProblemHttpResult Duplicate(Guid? existing)
    {
        var problem = ProblemDetailsSetup.Create(StatusCodes.Status409Conflict, "duplicate_lead", "An open lead already has this phone or email.");
        if (existing is { } id)
        {
            problem.Extensions["existingId"] = id;
        }

        return TypedResults.Problem(problem);
    }

    private static SaveLeadRequest Merge(SaveLeadRequest request, LeadInfo current) => new(
        request.Name ?? current.Name,
        request.Phone ?? current.Phone,
        request.Email ?? current.Email,
        request.Source ?? current.Source,
        request.Status ?? current.Status,
        request.OwnerId ?? current.OwnerId,
        request.GroupId ?? current.GroupId,
        request.Budget ?? (current.Budget is { } budget ? new MoneyRequest(budget.Amount, budget.Currency) : null),
        request.Interest ?? (current.Interest is { } interest ? new InterestRequest(interest.ProjectId, [.. interest.UnitTypeCodes]) : null),
        request.Tags ?? [.. current.Tags],
        request.Notes ?? current.Notes);

    internal static LeadFields Validate(SaveLeadRequest request, LeadCatalog catalog, LeadInfo? current)
    {
        var validation = new Validation()
            .Required("name", request.Name, 200)
            .Optional("notes", request.Notes, 4000);
        var phone = validation.NormalisedPhone("phone", request.Phone);
        var email = validation.NormalisedEmail("email", request.Email);
        var statusKey = request.Status ?? current?.Status ?? catalog.DefaultStatus.Key;
        var status = catalog.Status(statusKey);
        validation.Check(status is not null, "status", $"One of: {string.Join(", ", catalog.Statuses.Select(s => s.Key))}.");
        var source = request.Source ?? current?.Source;
        validation.Check(source is not null && catalog.HasSource(source), "source", $"One of: {string.Join(", ", catalog.Sources.Select(s => s.Key))}.");
        var budget = validation.Money("budget", request.Budget, required: false);
        var tags = validation.Tags("tags", request.Tags);
        var codes = request.Interest?.UnitTypeCodes ?? [];
        validation.Check(codes.Length <= 20 && codes.All(c => c is { Length: > 0 and <= 40 }), "interest.unitTypeCodes", "At most 20 type codes of 1 to 40 characters.");
        var interest = request.Interest is null ? null : new LeadInterest(request.Interest.ProjectId, [.. codes.Where(c => c is not null).Select(c => c.Trim())]);
        validation.ThrowIfInvalid();
        return new LeadFields(request.Name!.Trim(), phone, email, source!, status!.Key, status.Category, request.OwnerId, request.GroupId, budget, interest, tags, request.Notes);
    }
}
