namespace M3CoreCRM.Grains.Abstractions.Dashboards;

/// <summary>What a widget parameter holds: a record id (of <see cref="WidgetParameter.RecordType"/>), a whole number, or one of fixed words.</summary>
[GenerateSerializer, Alias("crm.WidgetParameterKind")]
public enum WidgetParameterKind
{
    Id,
    WholeNumber,
    Choice,
}

/// <summary>A widget parameter; <paramref name="RecordType"/> names what an id refers to (pipeline, project, group, user).</summary>
[GenerateSerializer, Immutable, Alias("crm.WidgetParameter")]
public sealed record WidgetParameter(
    [property: Id(0)] string Name, [property: Id(1)] WidgetParameterKind Kind, [property: Id(2)] string Description, [property: Id(3)] string? RecordType = null, [property: Id(4)] int? Min = null, [property: Id(5)] int? Max = null, [property: Id(6)] IReadOnlyList<string>? Choices = null, [property: Id(7)] object? Default = null);

/// <summary>
/// A kind of widget: its parameters, the sizes it may take, the report whose numbers it shows, and the stream
/// events that change those numbers (a dashboard applies them to what it shows, instead of asking again).
/// </summary>
[GenerateSerializer, Immutable, Alias("crm.WidgetType")]
public sealed record WidgetType(
    [property: Id(0)] string Type, [property: Id(1)] string Title, [property: Id(2)] IReadOnlyList<WidgetParameter> Params, [property: Id(3)] int MinW, [property: Id(4)] int MinH, [property: Id(5)] int MaxW, [property: Id(6)] int MaxH, [property: Id(7)] string Report, [property: Id(8)] IReadOnlyList<string> LiveEvents);

public static class WidgetCatalog
{
    private static readonly WidgetParameter PeriodDays = new("periodDays", WidgetParameterKind.WholeNumber, "How many days back from now the figures cover.", Min: 1, Max: 366, Default: 30);
    private static readonly WidgetParameter GroupId = new("groupId", WidgetParameterKind.Id, "Only the members of this group.", RecordType: "group");

    public static IReadOnlyList<string> KpiMetrics { get; } =
        ["open_leads", "new_leads", "converted_leads", "open_deals", "pipeline_value", "deals_won", "won_value", "calls", "units_available", "units_sold"];

    public static IReadOnlyList<WidgetType> Types { get; } =
    [
        new("pipeline_value", "Pipeline value by stage", [new("pipelineId", WidgetParameterKind.Id, "The pipeline; all pipelines when left out.", RecordType: "pipeline"), GroupId],
            4, 3, 12, 8, "pipeline", ["deal.created", "deal.updated", "deal.stage_changed", "deal.won", "deal.lost", "deal.deleted"]),
        new("funnel", "Lead funnel", [PeriodDays, GroupId], 4, 3, 12, 8, "funnel", ["lead.created", "lead.updated", "lead.converted", "lead.deleted"]),
        new("agent_leaderboard", "Agent leaderboard",
            [new("metric", WidgetParameterKind.Choice, "What agents are ranked by.", Choices: ["calls", "conversions", "deals_won", "won_value"], Default: "calls"), PeriodDays, GroupId,
             new("limit", WidgetParameterKind.WholeNumber, "How many agents are shown.", Min: 3, Max: 20, Default: 10)],
            4, 3, 12, 10, "agents", ["call.logged", "activity.created", "activity.updated", "lead.converted", "deal.won"]),
        new("calls_today", "Calls today", [GroupId], 2, 2, 6, 4, "agents", ["call.logged", "activity.created", "activity.updated"]),
        new("inventory_status", "Inventory by status", [new("projectId", WidgetParameterKind.Id, "The project; all projects when left out.", RecordType: "project")],
            3, 3, 12, 8, "inventory", ["unit.status_changed", "unit.created"]),
        new("tasks_due", "My tasks due", [new("days", WidgetParameterKind.WholeNumber, "Tasks due within this many days (overdue ones included).", Min: 1, Max: 30, Default: 7)],
            3, 2, 12, 8, "tasks", ["task.created", "task.updated", "task.completed", "task.due"]),
        new("approvals_pending", "Approvals awaiting me", [], 3, 2, 12, 8, "approvals", ["approval.requested", "approval.decided"]),
        new("kpi", "Key figure",
            [new("metric", WidgetParameterKind.Choice,
                "The figure shown, from a report's totals: open_leads, new_leads, converted_leads from funnel (open_leads: its rows of category open); open_deals, pipeline_value from pipeline; deals_won, won_value, calls from agents; units_available, units_sold from inventory.",
                Choices: KpiMetrics, Default: "open_leads"), PeriodDays, GroupId],
            2, 2, 6, 4, "by_metric", ["lead.created", "lead.updated", "lead.converted", "deal.created", "deal.updated", "deal.won", "deal.lost", "call.logged", "activity.created", "activity.updated", "unit.status_changed"]),
    ];

    public static WidgetType? Find(string type) => Types.FirstOrDefault(t => t.Type == type);
}
