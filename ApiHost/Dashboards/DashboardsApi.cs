using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using M3CoreCRM.ApiHost.Conventions;
using M3CoreCRM.ApiHost.Identity;
using M3CoreCRM.Grains.Abstractions.Dashboards;
using M3CoreCRM.Grains.Abstractions.Identity;
using M3CoreCRM.Grains.Abstractions.Tenancy;
using M3CoreCRM.Grains.Persistence;
using Npgsql;

namespace M3CoreCRM.ApiHost.Dashboards;

public sealed record WidgetRequest(string? Id, string? Type, JsonElement? Params, int? X, int? Y, int? W, int? H);

public sealed record SaveDashboardRequest(WidgetRequest[]? Widgets);

/// <summary>A widget type as the catalog shows it: its parameters as a JSON Schema object.</summary>
public sealed record WidgetTypeView(string Type, string Title, JsonObject Params, int MinW, int MinH, int MaxW, int MaxH, string Report, IReadOnlyList<string> LiveEvents);

/// <summary>The widget catalog and each user's own dashboard layout.</summary>
public static class DashboardsApi
{
    private const int MaxIdLength = 64;

    public static RouteGroupBuilder MapDashboardsApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapTenantGroup("/api/v1/dashboards", "Dashboards");
        group.MapGet("/widgets", Widgets).WithName("ListWidgetTypes").WithSummary("List the dashboard widget types")
            .WithDescription("""
                The widget catalog: each type with its parameters (a JSON Schema), the sizes it may take on the 12-column grid, the report whose numbers it shows
                (GET /reports/{report}; tasks and approvals read GET /tasks and GET /approvals?mine=awaiting), and liveEvents: the stream events that change those numbers.
                A dashboard applies them as they come: deal events carry stageId, previousStageId, status and value; unit.status_changed carries status and previousStatus;
                lead events carry status and previousStatus; call.logged carries agentId and disposition; activity.created and activity.updated (a click-to-call's disposition or provider report completing its activity) carry type, ownerId, outcome, subjectType and subjectId;
                approval events carry status.
                """);
        group.MapGet("/me", GetMineAsync).WithName("GetMyDashboard").WithSummary("Get my dashboard")
            .WithDescription("The caller's saved layout, or (isDefault: true) the default layout of their role until they save one.");
        group.MapPut("/me", SaveMineAsync).WithName("SaveMyDashboard").WithSummary("Save my dashboard")
            .WithDescription("""
                Replaces the caller's layout: { widgets: [ { id?, type, params?, x, y, w, h } ] }, at most 24 widgets on a 12-column grid (x 0-11, x + w ≤ 12, y 0-199),
                each within its type's sizes, none overlapping, parameters as the catalog describes (ids must be records of this tenant). A widget without an id gets one. If-Match honoured.
                """);
        return group;
    }

    private static Ok<WidgetTypeView[]> Widgets() => TypedResults.Ok(WidgetCatalog.Types.Select(View).ToArray());

    private static async Task<Ok<DashboardLayout>> GetMineAsync(Caller caller, IGrainFactory grains, NpgsqlDataSource db, HttpResponse response, CancellationToken cancellationToken)
    {
        var layout = await grains.GetGrain<IDashboardGrain>(caller.TenantId, caller.UserId).GetAsync();
        if (layout.IsDefault)
        {
            layout = layout with { Widgets = DefaultLayouts.For(await BuiltInRoleOfAsync(caller, db, cancellationToken)) };
        }

        Versioning.SetETag(response, layout.Version);
        return TypedResults.Ok(layout);
    }

    private static async Task<Ok<DashboardLayout>> SaveMineAsync(SaveDashboardRequest request, Caller caller, IGrainFactory grains, NpgsqlDataSource db, HttpContext context, CancellationToken cancellationToken)
    {
        var widgets = await ValidateAsync(request, caller, db, cancellationToken);
        var layout = await grains.GetGrain<IDashboardGrain>(caller.TenantId, caller.UserId).SaveAsync(widgets, Versioning.IfMatch(context.Request));
        Versioning.SetETag(context.Response, layout.Version);
        return TypedResults.Ok(layout);
    }

    private static async Task<IReadOnlyList<DashboardWidget>> ValidateAsync(SaveDashboardRequest request, Caller caller, NpgsqlDataSource db, CancellationToken cancellationToken)
    {
        var validation = new Validation();
        var given = request.Widgets;
        if (given is null)
        {
            validation.Add("widgets", "Required: a list of widgets (it may be empty).");
            validation.ThrowIfInvalid();
        }

        validation.Check(given!.Length <= DashboardGrid.MaxWidgets, "widgets", $"At most {DashboardGrid.MaxWidgets} widgets.");
        validation.ThrowIfInvalid();

        var widgets = new List<DashboardWidget>();
        var references = new List<(string Field, string RecordType, Guid Id)>();
        for (var i = 0; i < given.Length; i++)
        {
            var w = given[i];
            var at = $"widgets[{i}]";
            if (w is null)
            {
                validation.Add(at, "A widget object.");
                continue;
            }

            var type = w.Type is null ? null : WidgetCatalog.Find(w.Type);
            validation.Check(type is not null, $"{at}.type", $"One of {string.Join(", ", WidgetCatalog.Types.Select(t => t.Type))}.")
                .Check(w.Id is null || (w.Id.Length is >= 1 and <= MaxIdLength && !string.IsNullOrWhiteSpace(w.Id)), $"{at}.id", $"1 to {MaxIdLength} characters.")
                .Check(w.X is >= 0 and < DashboardGrid.Columns, $"{at}.x", $"0 to {DashboardGrid.Columns - 1}.")
                .Check(w.Y is >= 0 and < DashboardGrid.MaxRows, $"{at}.y", $"0 to {DashboardGrid.MaxRows - 1}.");
            if (type is null || w.X is null || w.Y is null)
            {
                continue;
            }

            validation.Check(w.W is { } width && width >= type.MinW && width <= type.MaxW && w.X + width <= DashboardGrid.Columns, $"{at}.w",
                    $"{type.MinW} to {type.MaxW} columns, within the grid's {DashboardGrid.Columns} (x + w ≤ {DashboardGrid.Columns}).")
                .Check(w.H is { } height && height >= type.MinH && height <= type.MaxH, $"{at}.h", $"{type.MinH} to {type.MaxH} rows.");
            var parameters = Parameters(type, w.Params, at, validation, references);
            if (w.W is { } wv && w.H is { } hv)
            {
                widgets.Add(new DashboardWidget(w.Id?.Trim() ?? Guid.CreateVersion7().ToString(), type.Type, parameters, w.X.Value, w.Y.Value, wv, hv));
            }
        }

        foreach (var duplicate in widgets.GroupBy(w => w.Id).Where(g => g.Count() > 1))
        {
            validation.Add("widgets", $"The id '{duplicate.Key}' is used twice.");
        }

        if (validation.IsValid && DashboardGrid.FirstOverlap(widgets) is var (first, second))
        {
            validation.Add("widgets", $"Widgets '{first.Id}' and '{second.Id}' overlap.");
        }

        if (validation.IsValid && references.Count > 0)
        {
            await CheckReferencesAsync(caller, db, references, validation, cancellationToken);
        }

        validation.ThrowIfInvalid();
        return widgets;
    }

    /// <summary>The widget's parameters, checked against its type: only known names, each of its kind and range.</summary>
    private static JsonElement Parameters(WidgetType type, JsonElement? given, string at, Validation validation, List<(string, string, Guid)> references)
    {
        var result = new JsonObject();
        if (given is not { ValueKind: not (JsonValueKind.Undefined or JsonValueKind.Null) } json)
        {
            return JsonSerializer.SerializeToElement(result);
        }

        if (json.ValueKind != JsonValueKind.Object)
        {
            validation.Add($"{at}.params", "An object of the widget's parameters.");
            return JsonSerializer.SerializeToElement(result);
        }

        foreach (var property in json.EnumerateObject())
        {
            var field = $"{at}.params.{property.Name}";
            var parameter = type.Params.FirstOrDefault(p => p.Name == property.Name);
            if (parameter is null)
            {
                validation.Add(field, type.Params.Count == 0 ? $"{type.Type} takes no parameters." : $"Not a parameter of {type.Type}: {string.Join(", ", type.Params.Select(p => p.Name))}.");
                continue;
            }

            var value = property.Value;
            switch (parameter.Kind)
            {
                case WidgetParameterKind.Id when value.ValueKind == JsonValueKind.String && Guid.TryParse(value.GetString(), out var id):
                    references.Add((field, parameter.RecordType!, id));
                    result[property.Name] = id;
                    break;
                case WidgetParameterKind.WholeNumber when value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) && number >= parameter.Min && number <= parameter.Max:
                    result[property.Name] = number;
                    break;
                case WidgetParameterKind.Choice when value.ValueKind == JsonValueKind.String && parameter.Choices!.Contains(value.GetString()!):
                    result[property.Name] = value.GetString();
                    break;
                default:
                    validation.Add(field, parameter.Kind switch
                    {
                        WidgetParameterKind.Id => $"The id of a {parameter.RecordType}.",
                        WidgetParameterKind.WholeNumber => string.Create(CultureInfo.InvariantCulture, $"A whole number from {parameter.Min} to {parameter.Max}."),
                        _ => $"One of {string.Join(", ", parameter.Choices!)}.",
                    });
                    break;
            }
        }

        return JsonSerializer.SerializeToElement(result);
    }

    private static async Task CheckReferencesAsync(Caller caller, NpgsqlDataSource db, List<(string Field, string RecordType, Guid Id)> references, Validation validation, CancellationToken cancellationToken)
    {
        await using var batch = db.ForTenant(caller.TenantId);
        foreach (var (_, recordType, id) in references)
        {
            batch.Add(recordType switch
            {
                "pipeline" => "SELECT EXISTS (SELECT 1 FROM pipelines WHERE tenant_id = $1 AND id = $2)",
                "project" => "SELECT EXISTS (SELECT 1 FROM projects WHERE tenant_id = $1 AND id = $2)",
                "group" => "SELECT EXISTS (SELECT 1 FROM groups WHERE tenant_id = $1 AND id = $2 AND NOT deleted)",
                _ => "SELECT EXISTS (SELECT 1 FROM users WHERE tenant_id = $1 AND id = $2)",
            }).With(caller.TenantId).With(id);
        }

        await using var reader = await batch.ReadAsync(cancellationToken);
        foreach (var (field, recordType, _) in references)
        {
            await reader.ReadAsync(cancellationToken);
            validation.Check(reader.GetBoolean(0), field, $"No such {recordType} in this tenant.");
            await reader.NextResultAsync(cancellationToken);
        }
    }

    /// <summary>The most capable built-in role the user holds (owner first, viewer last); null for custom roles only.</summary>
    private static async Task<string?> BuiltInRoleOfAsync(Caller caller, NpgsqlDataSource db, CancellationToken cancellationToken)
    {
        await using var batch = db.ForTenant(caller.TenantId);
        batch.Add("""
            SELECT r.state ->> 'builtIn' FROM users u
            JOIN roles r ON r.tenant_id = u.tenant_id AND NOT r.deleted AND (u.state -> 'roleIds') ? r.id::text
            WHERE u.tenant_id = $1 AND u.id = $2 AND r.state ->> 'builtIn' IS NOT NULL
            """).With(caller.TenantId).With(caller.UserId);
        var held = new List<string>();
        await using var reader = await batch.ReadAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            held.Add(reader.GetString(0));
        }

        return BuiltInRoles.Names.FirstOrDefault(held.Contains);
    }

    private static WidgetTypeView View(WidgetType type)
    {
        var properties = new JsonObject();
        foreach (var p in type.Params)
        {
            var schema = new JsonObject { ["description"] = p.Description };
            switch (p.Kind)
            {
                case WidgetParameterKind.Id:
                    schema["type"] = "string";
                    schema["format"] = "uuid";
                    schema["x-record"] = p.RecordType;
                    break;
                case WidgetParameterKind.WholeNumber:
                    schema["type"] = "integer";
                    schema["minimum"] = p.Min;
                    schema["maximum"] = p.Max;
                    break;
                default:
                    schema["type"] = "string";
                    schema["enum"] = new JsonArray([.. p.Choices!.Select(c => JsonValue.Create(c))]);
                    break;
            }

            if (p.Default is not null)
            {
                schema["default"] = JsonSerializer.SerializeToNode(p.Default);
            }

            properties[p.Name] = schema;
        }

        return new WidgetTypeView(type.Type, type.Title, new JsonObject { ["type"] = "object", ["properties"] = properties, ["additionalProperties"] = false },
            type.MinW, type.MinH, type.MaxW, type.MaxH, type.Report, type.LiveEvents);
    }
}
