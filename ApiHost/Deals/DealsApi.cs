using M3CoreCRM.ApiHost.Approvals;
using M3CoreCRM.Grains.Abstractions.Approvals;
using System.Globalization;
using M3CoreCRM.ApiHost.Conventions;
using M3CoreCRM.ApiHost.Identity;
using M3CoreCRM.ApiHost.Inventory;
using M3CoreCRM.ApiHost.Leads;
using M3CoreCRM.Grains.Abstractions.Contacts;
using M3CoreCRM.Grains.Abstractions.Deals;
using M3CoreCRM.Grains.Abstractions.Identity;
using M3CoreCRM.Grains.Abstractions.Errors;
using M3CoreCRM.Grains.Abstractions.Tenancy;
using M3CoreCRM.Grains.Persistence;
using Npgsql;

namespace M3CoreCRM.ApiHost.Deals;

public sealed record StageRequest(Guid? Id, string? Name, int? Order, int? Probability);

public sealed record SavePipelineRequest([property: NeverNull] string? Name, [property: NeverNull] StageRequest[]? Stages);

public sealed record SaveDealRequest(
    [property: NeverNull] string? Title, [property: NeverNull] Guid? PipelineId, [property: NeverNull] Guid? StageId, [property: NeverNull] MoneyRequest? Value,
    Guid? ContactId, Guid? CompanyId, Guid? LeadId, [property: NeverNull] Guid[]? UnitIds, [property: NeverNull] Guid? OwnerId, DateTime? ExpectedCloseAt, decimal? DiscountPercent);

public sealed record MoveDealRequest(Guid? StageId);

public sealed record CloseDealRequest(string? Reason);

public sealed record DiscountRequest(decimal? DiscountPercent);

/// <summary>Pipelines (tenant configuration) and the deals that move through their stages, owned like leads.</summary>
public static class DealsApi
{
    private const int MaxStages = 30;
    private const int MaxUnits = 20;

    private static readonly SortOptions Sorts = new("createdAt", new Dictionary<string, SortColumn>
    {
        ["createdAt"] = new("created_at", "timestamptz"),
        ["title"] = new("title", "text"),
    });

    public static IEndpointRouteBuilder MapDealsApi(this IEndpointRouteBuilder endpoints)
    {
        var pipelines = endpoints.MapTenantGroup("/api/v1/pipelines", "Deals");
        pipelines.MapGet("", ListPipelinesAsync).WithName("ListPipelines").WithSummary("List pipelines").RequirePermission(Permissions.DealsRead);
        pipelines.MapGet("/{id:guid}", GetPipelineAsync).WithName("GetPipeline").WithSummary("Get a pipeline").RequirePermission(Permissions.DealsRead);
        pipelines.MapPost("", CreatePipelineAsync).WithName("CreatePipeline").WithSummary("Create a pipeline").RequirePermission(Permissions.SettingsManage);
        pipelines.MapPatch("/{id:guid}", UpdatePipelineAsync).WithName("UpdatePipeline").WithSummary("Update a pipeline").RequirePermission(Permissions.SettingsManage)
            .WithDescription("Replaces the stages when given; a stage that deals are in cannot be removed (409 stage_in_use).");

        var deals = endpoints.MapTenantGroup("/api/v1/deals", "Deals");
        deals.MapGet("", ListDealsAsync).WithName("ListDeals").WithSummary("List deals").RequirePermission(Permissions.DealsRead)
            .WithDescription("Filters: pipelineId, stageId, status (open, won, lost), ownerId, leadId, contactId, companyId; q matches the title. Sort: createdAt (default, newest first), title.");
        deals.MapGet("/{id:guid}", GetDealAsync).WithName("GetDeal").WithSummary("Get a deal").RequirePermission(Permissions.DealsRead);
        deals.MapPost("", CreateDealAsync).WithName("CreateDeal").WithSummary("Create a deal").RequirePermission(Permissions.DealsWrite);
        deals.MapPatch("/{id:guid}", UpdateDealAsync).WithName("UpdateDeal").WithSummary("Update a deal").RequirePermission(Permissions.DealsWrite)
            .WithDescription("An open deal's fields; discountPercent changes only through POST /deals/{id}/discount. A won or lost deal is final (409 deal_closed).");
        deals.MapDelete("/{id:guid}", DeleteDealAsync).WithName("DeleteDeal").WithSummary("Delete a deal").RequirePermission(Permissions.DealsWrite);
        deals.MapPost("/{id:guid}/move", MoveAsync).WithName("MoveDeal").WithSummary("Move a deal to another stage")
            .WithDescription("A won or lost deal: 409 deal_closed.").RequirePermission(Permissions.DealsWrite);
        deals.MapPost("/{id:guid}/win", WinAsync).WithName("WinDeal").WithSummary("Win a deal").RequirePermission(Permissions.DealsWrite)
            .WithDescription("Wins an open deal (409 deal_closed otherwise). Under a deal.win approval policy: 202 { approvalId, status: pending }, won when approved if still open.");
        deals.MapPost("/{id:guid}/lose", LoseAsync).WithName("LoseDeal").WithSummary("Lose a deal")
            .WithDescription("A won or lost deal: 409 deal_closed.").RequirePermission(Permissions.DealsWrite);
        deals.MapPost("/{id:guid}/discount", DiscountAsync).WithName("DiscountDeal").WithSummary("Set a deal's discount").RequirePermission(Permissions.DealsWrite)
            .WithDescription("Sets discountPercent (0 to 100, two decimals). Under a deal.discount approval policy whose condition the new discount meets (say discountPercent gt 5): 202 { approvalId, status: pending }, applied when approved if the deal is still open. A won or lost deal: 409 deal_closed.");
        return endpoints;
    }

    private static async Task<Ok<Page<PipelineInfo>>> ListPipelinesAsync(Caller caller, RecordQueries queries, string? cursor, int? limit, CancellationToken cancellationToken) =>
        TypedResults.Ok(await queries.PageByNameAsync<PipelineInfo>(caller, SettingsTable.Pipelines, cursor, limit, p => p.Name, p => p.Id, cancellationToken));

    private static async Task<Ok<PipelineInfo>> GetPipelineAsync(Guid id, Caller caller, IGrainFactory grains, HttpResponse response)
    {
        var pipeline = await grains.GetGrain<IPipelineGrain>(caller.TenantId, id).GetAsync();
        Versioning.SetETag(response, pipeline.Version);
        return TypedResults.Ok(pipeline);
    }

    private static async Task<Created<PipelineInfo>> CreatePipelineAsync(SavePipelineRequest request, Caller caller, IGrainFactory grains)
    {
        var id = Guid.CreateVersion7();
        return TypedResults.Created($"/api/v1/pipelines/{id}", await grains.GetGrain<IPipelineGrain>(caller.TenantId, id).CreateAsync(Validate(request)));
    }

    private static async Task<Ok<PipelineInfo>> UpdatePipelineAsync(Guid id, SavePipelineRequest request, Caller caller, IGrainFactory grains, NpgsqlDataSource db, HttpContext context, CancellationToken cancellationToken)
    {
        var grain = grains.GetGrain<IPipelineGrain>(caller.TenantId, id);
        var pipeline = await Versioning.MergeAsync(context.Request, grain.GetAsync, current => current.Version, async (current, version) =>
        {
            var fields = Validate(new SavePipelineRequest(
                request.Name ?? current.Name,
                request.Stages ?? [.. current.Stages.Select(s => new StageRequest(s.Id, s.Name, s.Order, s.Probability))]));
            var removed = current.Stages.Select(s => s.Id).Except(fields.Stages.Select(s => s.Id)).ToArray();
            if (removed.Length > 0)
            {
                await using var batch = db.ForTenant(caller.TenantId);
                batch.Add("SELECT 1 FROM deals WHERE tenant_id = $1 AND pipeline_id = $2 AND stage_id = ANY($3) AND NOT deleted LIMIT 1").With(caller.TenantId).With(id).With(removed);
                if (await batch.ScalarAsync(cancellationToken) is not null)
                {
                    throw new DomainException(DomainErrorKind.Conflict, "stage_in_use", "Deals are in a stage this change removes; move them first.");
                }
            }

            return await grain.UpdateAsync(fields, version);
        });
        Versioning.SetETag(context.Response, pipeline.Version);
        return TypedResults.Ok(pipeline);
    }

    private static PipelineFields Validate(SavePipelineRequest request)
    {
        var stages = request.Stages ?? [];
        var validation = new Validation()
            .Required("name", request.Name, 200)
            .Check(stages.Length is >= 1 and <= MaxStages, "stages", $"1 to {MaxStages} stages.")
            .Check(stages.All(s => s is not null && !string.IsNullOrWhiteSpace(s.Name) && s.Name.Length <= 100), "stages", "Every stage needs a name of at most 100 characters.")
            .Check(stages.All(s => s?.Probability is null or (>= 0 and <= 100)), "stages", "A stage's probability is 0 to 100.")
            .Check(stages.Where(s => s?.Id is not null).Select(s => s!.Id).Distinct().Count() == stages.Count(s => s?.Id is not null), "stages", "Stage ids must be different.");
        validation.ThrowIfInvalid();
        return new PipelineFields(request.Name!.Trim(), [.. stages.Select((s, i) => new PipelineStage(s.Id ?? Guid.CreateVersion7(), s.Name!.Trim(), s.Order ?? (i + 1) * 10, s.Probability ?? 0))]);
    }

    private static async Task<Ok<Page<DealInfo>>> ListDealsAsync(
        Caller caller, NpgsqlDataSource db, string? q, Guid? pipelineId, Guid? stageId, string? status, Guid? ownerId, Guid? leadId, Guid? contactId, Guid? companyId,
        string? sort, string? cursor, int? limit, CancellationToken cancellationToken)
    {
        new Validation().Check(status is null or "open" or "won" or "lost", "status", "open, won or lost.").ThrowIfInvalid();
        var take = Cursor.Limit(limit);
        var after = Cursor.Decode(cursor);
        var (field, column, descending) = Sorts.Parse(sort ?? "-createdAt");
        await using var batch = db.ForTenant(caller.TenantId);
        var command = batch.Add("");
        var where = new SqlConditions(command);
        where.Where($"r.tenant_id = {where.Param(caller.TenantId)} AND NOT r.deleted")
            .Where(ScopeFilter.Condition(caller, Permissions.DealsRead, "r.owner_id", command))
            .WhereIf(pipelineId, p => $"r.pipeline_id = {p}")
            .WhereIf(stageId, p => $"r.stage_id = {p}")
            .WhereIf(status, p => $"r.status = {p}")
            .WhereIf(ownerId, p => $"r.owner_id = {p}")
            .WhereIf(leadId, p => $"r.lead_id = {p}")
            .WhereIf(contactId, p => $"r.contact_id = {p}")
            .WhereIf(companyId, p => $"r.company_id = {p}")
            .WhereIf(LeadValidation.SearchTerm(q), p => $"r.search LIKE '%' || {p} || '%'");
        where.After(after, column, descending, "r");
        command.CommandText = $"SELECT r.id, r.state::text, r.version FROM deals r WHERE {where} ORDER BY {SortOptions.OrderBy(column, descending, "r")} LIMIT {where.Param(take + 1)}";
        var items = new List<DealInfo>();
        await using (var reader = await batch.ReadAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                items.Add(RecordQueries.Row<DealInfo>(reader));
            }
        }

        return TypedResults.Ok(Page.FromRows(items, take, d => new Cursor(field == "title" ? d.Title : d.CreatedAt.ToString("O", CultureInfo.InvariantCulture), d.Id)));
    }

    private static async Task<Ok<DealInfo>> GetDealAsync(Guid id, Caller caller, IGrainFactory grains, HttpResponse response)
    {
        var deal = await InScopeAsync(grains, caller, id, Permissions.DealsRead);
        Versioning.SetETag(response, deal.Version);
        return TypedResults.Ok(deal);
    }

    private static async Task<Created<DealInfo>> CreateDealAsync(SaveDealRequest request, Caller caller, IGrainFactory grains, LeadQueries people, RecordQueries queries, NpgsqlDataSource db, HttpContext context, CancellationToken cancellationToken)
    {
        var fields = await ValidateAsync(request with { OwnerId = request.OwnerId ?? caller.UserId }, caller, grains, people, queries, db, null, cancellationToken);
        var id = RecordIds.New(context, "deal");
        var grain = grains.GetGrain<IDealGrain>(caller.TenantId, id);
        return TypedResults.Created($"/api/v1/deals/{id}", await RecordIds.CreateOnceAsync(context, () => grain.CreateAsync(fields), grain.GetAsync));
    }

    private static async Task<Ok<DealInfo>> UpdateDealAsync(
        Guid id, SaveDealRequest request, Caller caller, IGrainFactory grains, LeadQueries people, RecordQueries queries, NpgsqlDataSource db, HttpContext context, CancellationToken cancellationToken)
    {
        await InScopeAsync(grains, caller, id, Permissions.DealsWrite);
        var grain = grains.GetGrain<IDealGrain>(caller.TenantId, id);
        var deal = await Versioning.MergeAsync(context.Request, grain.GetAsync, current => current.Version, async (current, version) =>
            await grain.UpdateAsync(await ValidateAsync(new SaveDealRequest(
                request.Title ?? current.Title,
                request.PipelineId ?? current.PipelineId,
                request.StageId ?? (request.PipelineId is null ? current.StageId : null),
                request.Value ?? new MoneyRequest(current.Value.Amount, current.Value.Currency),
                request.ContactId ?? current.ContactId,
                request.CompanyId ?? current.CompanyId,
                request.LeadId ?? current.LeadId,
                request.UnitIds ?? [.. current.UnitIds],
                request.OwnerId ?? current.OwnerId,
                request.ExpectedCloseAt ?? current.ExpectedCloseAt,
                current.DiscountPercent), caller, grains, people, queries, db, current, cancellationToken), version));
        Versioning.SetETag(context.Response, deal.Version);
        return TypedResults.Ok(deal);
    }

    private static async Task<NoContent> DeleteDealAsync(Guid id, Caller caller, IGrainFactory grains, HttpRequest request)
    {
        await InScopeAsync(grains, caller, id, Permissions.DealsWrite);
        await grains.GetGrain<IDealGrain>(caller.TenantId, id).DeleteAsync(Versioning.IfMatch(request));
        return TypedResults.NoContent();
    }

    private static async Task<Ok<DealInfo>> MoveAsync(Guid id, MoveDealRequest request, Caller caller, IGrainFactory grains)
    {
        var deal = await InScopeAsync(grains, caller, id, Permissions.DealsWrite);
        var pipeline = await grains.GetGrain<IPipelineGrain>(caller.TenantId, deal.PipelineId).GetAsync();
        new Validation().Check(request.StageId is { } stage && pipeline.Stages.Any(s => s.Id == stage), "stageId", "A stage of the deal's pipeline.").ThrowIfInvalid();
        return TypedResults.Ok(await grains.GetGrain<IDealGrain>(caller.TenantId, id).MoveAsync(request.StageId!.Value));
    }

    private static async Task<Results<Ok<DealInfo>, Accepted<ApprovalTicket>>> WinAsync(
        Guid id, CloseDealRequest? request, Caller caller, IGrainFactory grains, HttpResponse response)
    {
        await InScopeAsync(grains, caller, id, Permissions.DealsWrite);
        new Validation().Optional("reason", request?.Reason, 1000).ThrowIfInvalid();
        return (await grains.GetGrain<IDealGrain>(caller.TenantId, id).WinAsync(request?.Reason?.Trim())).ToResult(response, d => d.Version);
    }

    private static async Task<Ok<DealInfo>> LoseAsync(Guid id, CloseDealRequest request, Caller caller, IGrainFactory grains)
    {
        await InScopeAsync(grains, caller, id, Permissions.DealsWrite);
        new Validation().Required("reason", request.Reason, 1000).ThrowIfInvalid();
        return TypedResults.Ok(await grains.GetGrain<IDealGrain>(caller.TenantId, id).LoseAsync(request.Reason!.Trim()));
    }

    private static async Task<Results<Ok<DealInfo>, Accepted<ApprovalTicket>>> DiscountAsync(
        Guid id, DiscountRequest request, Caller caller, IGrainFactory grains, HttpResponse response)
    {
        await InScopeAsync(grains, caller, id, Permissions.DealsWrite);
        new Validation().Check(request.DiscountPercent is >= 0 and <= 100 && decimal.Round(request.DiscountPercent.Value, 2) == request.DiscountPercent, "discountPercent", "0 to 100, at most 2 decimal places.").ThrowIfInvalid();
        return (await grains.GetGrain<IDealGrain>(caller.TenantId, id).DiscountAsync(request.DiscountPercent!.Value)).ToResult(response, d => d.Version);
    }

    private static DealFields Fields(DealInfo d) =>
        new(d.Title, d.PipelineId, d.StageId, d.Value, d.ContactId, d.CompanyId, d.LeadId, d.UnitIds, d.OwnerId, d.ExpectedCloseAt, d.DiscountPercent);

    /// <summary>The deal from its grain's memory, when the caller's scope of <paramref name="permission"/> reaches its owner (404 otherwise).</summary>
    private static async Task<DealInfo> InScopeAsync(IGrainFactory grains, Caller caller, Guid id, string permission)
    {
        var deal = await grains.GetGrain<IDealGrain>(caller.TenantId, id).GetAsync();
        caller.EnsureReaches(permission, deal.OwnerId, "The deal");
        return deal;
    }

    /// <summary>Checks a deal's fields: its pipeline and stage, money, the records it links (each one the caller may read), its owner.</summary>
    internal static async Task<DealFields> ValidateAsync(
        SaveDealRequest request, Caller caller, IGrainFactory grains, LeadQueries people, RecordQueries queries, NpgsqlDataSource db, DealInfo? current, CancellationToken cancellationToken)
    {
        var units = request.UnitIds ?? [];
        var validation = new Validation()
            .Required("title", request.Title, 200)
            .Check(request.PipelineId is not null, "pipelineId", "Required.")
            .Check(request.DiscountPercent is null or (>= 0 and <= 100), "discountPercent", "0 to 100.")
            .Check(units.Length <= MaxUnits, "unitIds", $"At most {MaxUnits} units.");
        var value = validation.Money("value", request.Value, required: true);
        validation.ThrowIfInvalid();

        PipelineInfo pipeline;
        try
        {
            pipeline = await grains.GetGrain<IPipelineGrain>(caller.TenantId, request.PipelineId!.Value).GetAsync();
        }
        catch (DomainException exception) when (exception.Kind == DomainErrorKind.NotFound)
        {
            throw DomainException.Invalid("pipelineId", "No such pipeline in this tenant.");
        }

        var stageId = request.StageId ?? pipeline.Stages.OrderBy(s => s.Order).First().Id;
        if (pipeline.Stages.All(s => s.Id != stageId))
        {
            throw DomainException.Invalid("stageId", "A stage of the deal's pipeline.");
        }

        if (request.ContactId is { } contactId && contactId != current?.ContactId
            && await queries.ReadAsync<ContactInfo>(caller, OwnedTable.Contacts, contactId, Permissions.ContactsRead, cancellationToken) is null)
        {
            throw DomainException.Invalid("contactId", "No such contact that you may read.");
        }

        if (request.CompanyId is { } companyId && companyId != current?.CompanyId
            && await queries.ReadAsync<CompanyInfo>(caller, OwnedTable.Companies, companyId, Permissions.CompaniesRead, cancellationToken) is null)
        {
            throw DomainException.Invalid("companyId", "No such company that you may read.");
        }

        if (request.LeadId is { } leadId && leadId != current?.LeadId && !await people.InScopeAsync(caller, leadId, Permissions.LeadsRead, cancellationToken))
        {
            throw DomainException.Invalid("leadId", "No such lead that you may read.");
        }

        if (units.Length > 0 && !caller.Can(Permissions.InventoryRead))
        {
            throw new DomainException(DomainErrorKind.Forbidden, "forbidden", "Linking units needs the permission inventory.read.");
        }

        if (units.Length > 0)
        {
            await using var batch = db.ForTenant(caller.TenantId);
            batch.Add("SELECT count(*)::int FROM units WHERE tenant_id = $1 AND id = ANY($2)").With(caller.TenantId).With(units.Distinct().ToArray());
            if ((int)(await batch.ScalarAsync(cancellationToken) ?? 0) != units.Distinct().Count())
            {
                throw DomainException.Invalid("unitIds", "Every unit must exist in this tenant.");
            }
        }

        if (request.OwnerId != current?.OwnerId)
        {
            await Ownership.EnsureMayOwnAsync(people, caller, request.OwnerId!.Value, null, caller.ScopeOf(Permissions.DealsWrite), cancellationToken);
        }

        return new DealFields(request.Title!.Trim(), pipeline.Id, stageId, value!, request.ContactId, request.CompanyId, request.LeadId, [.. units.Distinct()],
            request.OwnerId!.Value, request.ExpectedCloseAt?.ToUniversalTime(), request.DiscountPercent ?? current?.DiscountPercent ?? 0);
    }
}
