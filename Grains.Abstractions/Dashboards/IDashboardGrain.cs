using System.Text.Json;
using M3CoreCRM.Runtime.Grains;

namespace M3CoreCRM.Grains.Abstractions.Dashboards;

/// <summary>A widget on the 12-column grid: its place (<paramref name="X"/>, <paramref name="Y"/>), size, and parameters.</summary>
public sealed record DashboardWidget(string Id, string Type, JsonElement Params, int X, int Y, int W, int H);

/// <summary>A user's dashboard; <paramref name="IsDefault"/> while they have saved none (the widgets are then their role's default).</summary>
public sealed record DashboardLayout(IReadOnlyList<DashboardWidget> Widgets, bool IsDefault, DateTime? UpdatedAt, long Version);

/// <summary>
/// One user's dashboard (key: the user id): the saved layout. The API validates a layout against the widget
/// catalog before it comes here; the grain keeps it whole, one save at a time.
/// </summary>
public interface IDashboardGrain : IGrain
{
    /// <summary>The saved layout; an empty, default one when nothing was saved.</summary>
    [ReadOnly]
    Task<DashboardLayout> GetAsync();

    /// <summary>Replaces the layout; 412 on a stale <paramref name="expectedVersion"/>. Overlapping widgets are refused here too.</summary>
    Task<DashboardLayout> SaveAsync(IReadOnlyList<DashboardWidget> widgets, long? expectedVersion);
}

/// <summary>The grid's rules, shared by the API's validation and the grain.</summary>
public static class DashboardGrid
{
    public const int Columns = 12;
    public const int MaxRows = 200;
    public const int MaxWidgets = 24;

    /// <summary>The first pair of widgets that share a cell, if any.</summary>
    public static (DashboardWidget First, DashboardWidget Second)? FirstOverlap(IReadOnlyList<DashboardWidget> widgets)
    {
        for (var i = 0; i < widgets.Count; i++)
        {
            for (var j = i + 1; j < widgets.Count; j++)
            {
                var a = widgets[i];
                var b = widgets[j];
                if (a.X < b.X + b.W && b.X < a.X + a.W && a.Y < b.Y + b.H && b.Y < a.Y + a.H)
                {
                    return (a, b);
                }
            }
        }

        return null;
    }
}
