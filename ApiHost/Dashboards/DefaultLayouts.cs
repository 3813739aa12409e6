using System.Text.Json;
using M3CoreCRM.Grains.Abstractions.Dashboards;
using M3CoreCRM.Grains.Abstractions.Identity;

namespace M3CoreCRM.ApiHost.Dashboards;

/// <summary>
/// What a user sees before saving a layout, by their most capable built-in role: owners and admins the whole business,
/// sales managers their team, agents their own day, viewers the overview. Custom roles get the viewer's.
/// </summary>
public static class DefaultLayouts
{
    private static readonly IReadOnlyList<DashboardWidget> Leadership =
    [
        Kpi("kpi-pipeline", "pipeline_value", 0), Kpi("kpi-won", "won_value", 3), Kpi("kpi-leads", "open_leads", 6), Kpi("kpi-units", "units_available", 9),
        Widget("pipeline", "pipeline_value", 0, 2, 6, 4), Widget("funnel", "funnel", 6, 2, 6, 4),
        Widget("leaderboard", "agent_leaderboard", 0, 6, 6, 4), Widget("inventory", "inventory_status", 6, 6, 6, 4),
        Widget("approvals", "approvals_pending", 0, 10, 6, 3), Widget("tasks", "tasks_due", 6, 10, 6, 3),
    ];

    private static readonly IReadOnlyList<DashboardWidget> SalesManager =
    [
        Kpi("kpi-deals", "open_deals", 0), Kpi("kpi-pipeline", "pipeline_value", 3), Kpi("kpi-calls", "calls", 6), Kpi("kpi-converted", "converted_leads", 9),
        Widget("leaderboard", "agent_leaderboard", 0, 2, 6, 5), Widget("pipeline", "pipeline_value", 6, 2, 6, 5),
        Widget("approvals", "approvals_pending", 0, 7, 6, 3), Widget("funnel", "funnel", 6, 7, 6, 4),
        Widget("tasks", "tasks_due", 0, 10, 6, 3),
    ];

    private static readonly IReadOnlyList<DashboardWidget> Agent =
    [
        Widget("calls", "calls_today", 0, 0, 3, 2), Kpi("kpi-leads", "open_leads", 3), Kpi("kpi-converted", "converted_leads", 6), Kpi("kpi-won", "deals_won", 9),
        Widget("tasks", "tasks_due", 0, 2, 6, 4), Widget("funnel", "funnel", 6, 2, 6, 4),
        Widget("pipeline", "pipeline_value", 0, 6, 12, 4),
    ];

    private static readonly IReadOnlyList<DashboardWidget> Viewer =
    [
        Widget("pipeline", "pipeline_value", 0, 0, 6, 4), Widget("inventory", "inventory_status", 6, 0, 6, 4),
        Widget("funnel", "funnel", 0, 4, 12, 4),
    ];

    public static IReadOnlyList<DashboardWidget> For(string? builtInRole) => builtInRole switch
    {
        BuiltInRoles.Owner or BuiltInRoles.Admin => Leadership,
        BuiltInRoles.SalesManager => SalesManager,
        BuiltInRoles.Agent => Agent,
        _ => Viewer,
    };

    private static DashboardWidget Kpi(string id, string metric, int x) =>
        new(id, "kpi", JsonSerializer.SerializeToElement(new { metric }), x, 0, 3, 2);

    private static DashboardWidget Widget(string id, string type, int x, int y, int w, int h) =>
        new(id, type, JsonSerializer.SerializeToElement(new { }), x, y, w, h);
}
