using M3CoreCRM.ApiHost.OpenApi;
using M3CoreCRM.ApiHost.Approvals;
using M3CoreCRM.Grains.Abstractions.Approvals;
using System.Globalization;
using System.Text.Json;
using M3CoreCRM.ApiHost.Conventions;
using M3CoreCRM.ApiHost.Identity;
using M3CoreCRM.ApiHost.Errors;
using M3CoreCRM.Grains.Abstractions.Identity;
using M3CoreCRM.ApiHost.Activities;
using M3CoreCRM.Grains.Abstractions.Activities;
using M3CoreCRM.Grains.Abstractions.Inventory;
using M3CoreCRM.Grains.Abstractions.Errors;
using M3CoreCRM.Grains.Abstractions.Tenancy;
using M3CoreCRM.Grains.Persistence;
using Npgsql;

namespace M3CoreCRM.ApiHost.Inventory;

public sealed record RoomRequest(string? Name, decimal? AreaSqm);

public sealed record DimensionsRequest(decimal? AreaSqm, int? Bedrooms, int? Bathrooms, RoomRequest[]? Rooms);

public sealed record ComponentRequest(string? TypeCode, int? Quantity);

public sealed record SaveUnitRequest(
    [property: NeverNull] Guid? ProjectId,
    [property: NeverNull] string? Code,
    [property: NeverNull] string? TypeCode,
    string? Building,
    int? Floor,
    [property: NeverNull] DimensionsRequest? Dimensions,
    [property: NeverNull] ComponentRequest[]? Components,
    [property: NeverNull] MoneyRequest? ListPrice,
    string? Orientation,
    JsonElement? Geometry);

public sealed record HoldRequest(Guid? DealId, Guid? LeadId, int? HoldMinutes);

public sealed record DealRequest(Guid? DealId);

public sealed record ReleaseRequest(string? Reason);

/// <summary>The unit filters shared by <c>GET /units</c> and <c>GET /map/units</c>.</summary>
public sealed record UnitFilter(Guid? ProjectId, string? Status, string? TypeCode, decimal? MinPrice, decimal? MaxPrice, int? Bedrooms, decimal? MinArea, string? Bbox)
{
    public static ValueTask<UnitFilter?> BindAsync(HttpContext context)
    {
        var query = context.Request.Query;
        var validation = new Validation();
        var filter = new UnitFilter(
            Parse(query, "projectId", validation, s => Guid.TryParse(s, out var v) ? v : (Guid?)null),
            query["status"].ToString() is { Length: > 0 } status ? status : null,
            query["typeCode"].ToString() is { Length: > 0 } type ? type : null,
            Parse(query, "minPrice", validation, s => decimal.TryParse(s, NumberStyles.Number, CultureInfo.InvariantCulture, out var v) ? v : (decimal?)null),
            Parse(query, "maxPrice", validation, s => decimal.TryParse(s, NumberStyles.Number, CultureInfo.InvariantCulture, out var v) ? v : (decimal?)null),
            Parse(query, "bedrooms", validation, s => int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : (int?)null),
            Parse(query, "minArea", validation, s => decimal.TryParse(s, NumberStyles.Number, CultureInfo.InvariantCulture, out var v) ? v : (decimal?)null),
            query["bbox"].ToString() is { Length: > 0 } bbox ? bbox : null);
        validation.ThrowIfInvalid();
        return ValueTask.FromResult<UnitFilter?>(filter);
    }

    /// <summary>Adds the filter's conditions over the units alias <c>u</c>.</summary>
    public void Apply(SqlConditions where)
    {
        var validation = new Validation();
        string[]? statuses = null;
        if (Status is not null)
        {
            statuses = Status.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            validation.Check(statuses.All(s => s is "available" or "on_hold" or "reserved" or "sold"), "status", "status is one or more of available, on_hold, reserved, sold (comma-separated).");
        }

        var box = Bbox is null ? null : GeoJson.ParseBox(Bbox, out var problem) ?? Fail(validation, problem!);
        validation.ThrowIfInvalid();
        where.WhereIf(ProjectId, p => $"u.project_id = {p}")
            .WhereIf(TypeCode?.ToLowerInvariant(), p => $"lower(u.type_code) = {p}")
            .WhereIf(MinPrice, p => $"u.price >= {p}")
            .WhereIf(MaxPrice, p => $"u.price <= {p}")
            .WhereIf(Bedrooms, p => $"u.bedrooms = {p}")
            .WhereIf(MinArea, p => $"u.area_sqm >= {p}");
        if (statuses is not null)
        {
            where.Where($"u.status = ANY({where.Param(statuses)})");
        }

        if (box is not null)
        {
            // Rows whose geometry's bounding box meets the box (points inside it, shapes crossing it), through the GiST index.
            where.Where($"u.bounds && box(point({where.Param(box.MinLng)}, {where.Param(box.MinLat)}), point({where.Param(box.MaxLng)}, {where.Param(box.MaxLat)}))");
        }
    }

    private static GeoBounds? Fail(Validation validation, string problem)
    {
        validation.Add("bbox", problem);
        return null;
    }

    private static T? Parse<T>(IQueryCollection query, string name, Validation validation, Func<string, T?> parse)
        where T : struct
    {
        var text = query[name].ToString();
        if (text.Length == 0)
        {
            return null;
        }

        var value = parse(text);
        validation.Check(value is not null, name, $"'{text}' is not a valid {name}.");
        return value;
    }
}

/// <summary>
/// Property units: descriptive fields, filters, and the status machine (hold, reserve, sell,
/// release). Every status change is a call to the unit's grain, so a unit is never held,
/// reserved or sold twice; a conflicting request is 409 <c>unit_unavailable</c>.
/// </summary>
public static class UnitsApi
{
    private static readonly SortOptions Sorts = new("code", new Dictionary<string, SortColumn>
    {
        ["code"] = new("code", "text"),
        ["listPrice"] = new("price", "numeric"),
        ["areaSqm"] = new("area_sqm", "numeric"),
        ["createdAt"] = new("created_at", "timestamptz"),
    });

    public static RouteGroupBuilder MapUnitsApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapTenantGroup("/api/v1/units", "Inventory");
        group.MapGet("", ListAsync).WithName("ListUnits").WithSummary("List units").RequirePermission(Permissions.InventoryRead)
            .WithDescription("Filters: projectId, status (comma-separated), typeCode, minPrice, maxPrice, bedrooms, minArea, bbox (units whose geometry's bounding box meets it); q matches the start of the code. Sort: code (default), listPrice, areaSqm, createdAt.");
        group.MapGet("/{id:guid}", GetAsync).WithName("GetUnit").WithSummary("Get a unit").RequirePermission(Permissions.InventoryRead);
        group.MapPost("", CreateAsync).WithName("CreateUnit").WithSummary("Create a unit")
            .WithDescription("Another unit of the project with the code: 409 code_taken. Past the plan's unit limit: 403 plan_limit (`limit`: units).").RequirePermission(Permissions.InventoryWrite);
        group.MapPatch("/{id:guid}", UpdateAsync).WithName("UpdateUnit").WithSummary("Update a unit").RequirePermission(Permissions.InventoryWrite)
            .WithDescription("Fields left out keep their value (building, floor and orientation also when null; geometry: null removes the geometry); projectId, code, typeCode, dimensions, components and listPrice cannot be null (400). status is changed only by hold, reserve, sell and release. A new listPrice leaves a held or reserved unit's frozenPrice as it was. Under a unit.price_change approval policy a new listPrice answers 202 { approvalId, status } and changes nothing until approved; it must then come alone (409 approval_required). Another unit of the project with the code: 409 code_taken.");
        group.MapPost("/{id:guid}/hold", HoldAsync).WithName("HoldUnit").WithSummary("Hold a unit").RequirePermission(Permissions.UnitsHold)
            .WithDescription("Holds an available unit for exactly one of dealId or leadId (a deal or lead of this tenant that exists and that the caller may read: 400 validation_failed otherwise, the same answer for a record outside the caller's scope as for an unknown id), for holdMinutes (1 to 10080), freezing the list price. The same holder holding again moves holdExpiresAt; anyone else gets 409 unit_unavailable. The hold ends by itself within seconds of holdExpiresAt.")
            .WithExamples(Examples.HoldRequest, (409, Examples.UnitUnavailable));
        group.MapPost("/{id:guid}/reserve", ReserveAsync).WithName("ReserveUnit").WithSummary("Reserve a unit").RequirePermission(Permissions.UnitsReserve)
            .WithDescription("Reserves a unit that is available or on hold for this deal (one the caller may read, as for hold); otherwise 409 unit_unavailable. Under a unit.reserve approval policy: 202 { approvalId, status: pending } and nothing changes until the last approver approves; the unit is then reserved if it is still available or held by the deal, else the approval ends rejected with the reason. A pending request does not hold the unit.")
            .WithExamples(Examples.DealRequest, (202, Examples.PendingApproval), (409, Examples.UnitUnavailable));
        group.MapPost("/{id:guid}/sell", SellAsync).WithName("SellUnit").WithSummary("Sell a unit").RequirePermission(Permissions.UnitsSell)
            .WithDescription("Sells a unit that is available, or held or reserved by this deal, at its frozen price; otherwise 409 unit_unavailable. A sold unit is final. Under a unit.sell approval policy: 202, applied on approval as for reserve.")
            .WithExamples(Examples.DealRequest, (202, Examples.PendingApproval));
        group.MapPost("/{id:guid}/release", ReleaseAsync).WithName("ReleaseUnit").WithSummary("Release a unit")
            .RequirePermission(Permissions.UnitsRelease, alternative: Permissions.UnitsHold)
            .WithDescription("Makes a held or reserved unit available. With units.release any hold or reservation; with only units.hold, a hold the caller placed (403 otherwise). An available or sold unit is 409 invalid_transition.");
        return group;
    }

    private static async Task<Ok<Page<UnitInfo>>> ListAsync(Caller caller, NpgsqlDataSource db, UnitFilter filter, string? q, string? sort, string? cursor, int? limit, CancellationToken cancellationToken)
    {
        var take = Cursor.Limit(limit);
        var after = Cursor.Decode(cursor);
        var (field, column, descending) = Sorts.Parse(sort);
        await using var batch = db.ForTenant(caller.TenantId);
        var command = batch.Add("");
        var where = new SqlConditions(command);
        where.Where($"u.tenant_id = {where.Param(caller.TenantId)}")
            .WhereIf(SqlConditions.LikeLiteral(q), p => $"lower(u.code) LIKE {p} || '%'");
        filter.Apply(where);
        where.After(after, column, descending, "u");
        command.CommandText = $"SELECT u.id, u.state::text, u.version FROM units u WHERE {where} ORDER BY {SortOptions.OrderBy(column, descending, "u")} LIMIT {where.Param(take + 1)}";
        var items = new List<UnitInfo>();
        await using (var reader = await batch.ReadAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                items.Add(FromState(reader.GetGuid(0), reader.GetString(1), reader.GetInt64(2)));
            }
        }

        return TypedResults.Ok(Page.FromRows(items, take, unit => new Cursor(SortValue(unit, field), unit.Id)));
    }

    /// <summary>A unit read from its stored state, which has <see cref="UnitInfo"/>'s field names.</summary>
    public static UnitInfo FromState(Guid id, string state, long version) =>
        JsonSerializer.Deserialize<UnitInfo>(state, GrainJson.Options)! with { Id = id, Version = version };

    private static string SortValue(UnitInfo unit, string field) => field switch
    {
        "listPrice" => unit.ListPrice.Amount.ToString(CultureInfo.InvariantCulture),
        "areaSqm" => unit.Dimensions.AreaSqm.ToString(CultureInfo.InvariantCulture),
        "createdAt" => unit.CreatedAt.ToString("O", CultureInfo.InvariantCulture),
        _ => unit.Code,
    };

    private static async Task<Ok<UnitInfo>> GetAsync(Guid id, Caller caller, IGrainFactory grains, HttpResponse response)
    {
        var unit = await grains.GetGrain<IUnitGrain>(caller.TenantId, id).GetAsync();
        Versioning.SetETag(response, unit.Version);
        return TypedResults.Ok(unit);
    }

    private static async Task<Created<UnitInfo>> CreateAsync(SaveUnitRequest request, Caller caller, IGrainFactory grains, InventoryQueries inventory, HttpContext context, CancellationToken cancellationToken)
    {
        var details = await ValidateAsync(request, caller, inventory, cancellationToken);
        var id = RecordIds.New(context, "unit");
        var grain = grains.GetGrain<IUnitGrain>(caller.TenantId, id);
        var unit = await RecordIds.CreateOnceAsync(context, () => grain.CreateAsync(details), grain.GetAsync);
        return TypedResults.Created($"/api/v1/units/{id}", unit);
    }

    private static async Task<Results<Ok<UnitInfo>, Accepted<ApprovalTicket>>> UpdateAsync(Guid id, SaveUnitRequest request, Caller caller, IGrainFactory grains, InventoryQueries inventory, HttpContext context, CancellationToken cancellationToken)
    {
        var grain = grains.GetGrain<IUnitGrain>(caller.TenantId, id);
        var unit = await Versioning.MergeAsync(context.Request, grain.GetAsync, current => current.Version, async (current, version) =>
        {
            if (request.ProjectId is { } project && project != current.ProjectId)
            {
                throw DomainException.Invalid("projectId", "A unit cannot move to another project.");
            }

            var merged = new SaveUnitRequest(
                current.ProjectId,
                request.Code ?? current.Code,
                request.TypeCode ?? current.TypeCode,
                request.Building ?? current.Building,
                request.Floor ?? current.Floor,
                request.Dimensions ?? new DimensionsRequest(current.Dimensions.AreaSqm, current.Dimensions.Bedrooms, current.Dimensions.Bathrooms,
                    [.. current.Dimensions.Rooms.Select(r => new RoomRequest(r.Name, r.AreaSqm))]),
                request.Components ?? [.. current.Components.Select(c => new ComponentRequest(c.TypeCode, c.Quantity))],
                request.ListPrice ?? new MoneyRequest(current.ListPrice.Amount, current.ListPrice.Currency),
                request.Orientation ?? current.Orientation,
                request.Geometry is { ValueKind: not JsonValueKind.Undefined } geometry ? geometry : current.Geometry);
            return await grain.UpdateAsync(await ValidateAsync(merged, caller, inventory, cancellationToken), version);
        });
        return unit.ToResult(context.Response, u => u.Version);
    }

    private static async Task<Results<Ok<UnitInfo>, DomainProblem>> HoldAsync(Guid id, HoldRequest request, Caller caller, IGrainFactory grains, SubjectCheck subjects, CancellationToken cancellationToken)
    {
        var grain = grains.GetGrain<IUnitGrain>(caller.TenantId, id);
        await ThrowIfInvalidAsync(grain, new Validation()
            .Check((request.DealId is null) != (request.LeadId is null), "dealId", "Exactly one of dealId and leadId is required.")
            .Check(request.HoldMinutes is >= 1 and <= UnitHoldLimits.MaxHoldMinutes, "holdMinutes", $"holdMinutes is required, from 1 to {UnitHoldLimits.MaxHoldMinutes}."));
        var holder = request.DealId is { } deal ? new UnitHolder(HolderType.Deal, deal) : new UnitHolder(HolderType.Lead, request.LeadId!.Value);
        var answer = await grain.HoldAsync(new HoldUnit(await AsCallerSeesAsync(subjects, caller, holder, cancellationToken), request.HoldMinutes!.Value));
        return answer.Refused is { } refusal ? new DomainProblem(refusal) : TypedResults.Ok(answer.Value!);
    }

    private static async Task<Results<Ok<UnitInfo>, Accepted<ApprovalTicket>>> ReserveAsync(Guid id, DealRequest request, Caller caller, IGrainFactory grains, SubjectCheck subjects, HttpResponse response, CancellationToken cancellationToken)
    {
        var grain = grains.GetGrain<IUnitGrain>(caller.TenantId, id);
        await ThrowIfInvalidAsync(grain, new Validation().Check(request.DealId is not null, "dealId", "Required."));
        return (await grain.ReserveAsync((await AsCallerSeesAsync(subjects, caller, new UnitHolder(HolderType.Deal, request.DealId!.Value), cancellationToken)).Id)).ToResult(response, u => u.Version);
    }

    private static async Task<Results<Ok<UnitInfo>, Accepted<ApprovalTicket>>> SellAsync(Guid id, DealRequest request, Caller caller, IGrainFactory grains, SubjectCheck subjects, HttpResponse response, CancellationToken cancellationToken)
    {
        var grain = grains.GetGrain<IUnitGrain>(caller.TenantId, id);
        await ThrowIfInvalidAsync(grain, new Validation().Check(request.DealId is not null, "dealId", "Required."));
        return (await grain.SellAsync((await AsCallerSeesAsync(subjects, caller, new UnitHolder(HolderType.Deal, request.DealId!.Value), cancellationToken)).Id)).ToResult(response, u => u.Version);
    }

    private static async Task<Ok<UnitInfo>> ReleaseAsync(Guid id, ReleaseRequest request, Caller caller, IGrainFactory grains)
    {
        var grain = grains.GetGrain<IUnitGrain>(caller.TenantId, id);
        await ThrowIfInvalidAsync(grain, new Validation().Required("reason", request.Reason, 500));
        return TypedResults.Ok(await grain.ReleaseAsync(new ReleaseUnit(request.Reason!.Trim(), caller.Can(Permissions.UnitsRelease))));
    }

    /// <summary>
    /// The holder a hold, reservation or sale names, as the caller may see it (<see cref="SubjectCheck.MayReadAsync"/>:
    /// a deal in the caller's scope of deals.read, a lead in their scope of leads.read or locked to them by a call
    /// queue). A record outside that scope is replaced by an id that names no record, so that the unit's grain answers
    /// exactly as for an unknown id (its own rules first, then 400 naming the field): whether it exists is not told.
    /// </summary>
    private static async Task<UnitHolder> AsCallerSeesAsync(SubjectCheck subjects, Caller caller, UnitHolder holder, CancellationToken cancellationToken)
    {
        var (permission, type) = holder.Type == HolderType.Deal ? (Permissions.DealsRead, "deal") : (Permissions.LeadsRead, "lead");

        // At scope all every record of the tenant is in reach: whether it exists is the unit's grain's question, asked
        // only when the unit is free (many agents race for one unit, mostly answered from its memory).
        return caller.ScopeOf(permission) == PermissionScope.All || await subjects.MayReadAsync(caller, new ActivitySubject(type, holder.Id), cancellationToken)
            ? holder
            : holder with { Id = Guid.CreateVersion7() };
    }

    /// <summary>An invalid request for a unit that does not exist (here) is 404 first, as the contract wants for any unknown id.</summary>
    private static async Task ThrowIfInvalidAsync(IUnitGrain grain, Validation validation)
    {
        if (!validation.IsValid)
        {
            await grain.GetAsync();
            validation.ThrowIfInvalid();
        }
    }

    private static async Task<UnitDetails> ValidateAsync(SaveUnitRequest request, Caller caller, InventoryQueries inventory, CancellationToken cancellationToken)
    {
        var validation = new Validation()
            .Check(request.ProjectId is not null, "projectId", "Required.")
            .Code("code", request.Code)
            .Code("typeCode", request.TypeCode)
            .Optional("building", request.Building, 50)
            .Optional("orientation", request.Orientation, 20)
            .Check(request.Floor is null or (>= -20 and <= 300), "floor", "Must be between -20 and 300.");
        var dimensions = request.Dimensions;
        if (dimensions is null)
        {
            validation.Add("dimensions", "Required: { areaSqm, bedrooms, bathrooms, rooms }.");
        }
        else
        {
            validation.Range("dimensions.areaSqm", dimensions.AreaSqm, 0.01m, 1_000_000m, required: true)
                .Range("dimensions.bedrooms", dimensions.Bedrooms, 0, 100, required: true)
                .Range("dimensions.bathrooms", dimensions.Bathrooms, 0, 100, required: true)
                .Check((dimensions.Rooms?.Length ?? 0) <= 100, "dimensions.rooms", "At most 100 rooms.");
            foreach (var (room, index) in (dimensions.Rooms ?? []).Select((r, i) => (r, i)))
            {
                validation.Required($"dimensions.rooms[{index}].name", room?.Name, 100)
                    .Range($"dimensions.rooms[{index}].areaSqm", room?.AreaSqm, 0m, 1_000_000m, required: true);
            }
        }

        var components = request.Components ?? [];
        validation.Check(components.Length <= 50, "components", "At most 50 components.");
        foreach (var (component, index) in components.Select((c, i) => (c, i)))
        {
            validation.Code($"components[{index}].typeCode", component?.TypeCode)
                .Range($"components[{index}].quantity", component?.Quantity, 1, 1000, required: true);
        }

        var price = validation.Money("listPrice", request.ListPrice, required: true);
        var (geometry, bounds) = validation.Geometry("geometry", request.Geometry, InventoryValidation.UnitGeometryTypes);
        validation.ThrowIfInvalid();

        // References: the project, the unit type and each component type must exist in this tenant.
        if (!await inventory.ProjectExistsAsync(caller.TenantId, request.ProjectId!.Value, cancellationToken))
        {
            validation.Add("projectId", "No project of this tenant has this id.");
        }

        var unitTypes = await inventory.CatalogCodesAsync(caller.TenantId, "unit", [request.TypeCode!], cancellationToken);
        validation.Check(unitTypes.ContainsKey(request.TypeCode!), "typeCode", $"'{request.TypeCode}' is not in the tenant's unit types.");
        var componentTypes = await inventory.CatalogCodesAsync(caller.TenantId, "component", components.Select(c => c!.TypeCode!), cancellationToken);
        foreach (var missing in components.Select(c => c!.TypeCode!).Where(c => !componentTypes.ContainsKey(c)).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            validation.Add("components", $"'{missing}' is not in the tenant's component types.");
        }

        validation.ThrowIfInvalid();
        return new UnitDetails(
            request.ProjectId.Value,
            request.Code!,
            unitTypes[request.TypeCode!],
            request.Building?.Trim(),
            request.Floor,
            new UnitDimensions(dimensions!.AreaSqm!.Value, dimensions.Bedrooms!.Value, dimensions.Bathrooms!.Value,
                [.. (dimensions.Rooms ?? []).Select(r => new UnitRoom(r.Name!.Trim(), r.AreaSqm!.Value))]),
            [.. components.GroupBy(c => componentTypes[c!.TypeCode!], StringComparer.Ordinal).Select(g => new UnitComponent(g.Key, g.Sum(c => c!.Quantity!.Value)))],
            price!,
            request.Orientation?.Trim(),
            geometry,
            bounds);
    }
}
