using System.Text.Json;

namespace M3CoreCRM.Grains.Abstractions.Dashboards;

/// <summary>A widget on the 12-column grid: its place (<paramref name="X"/>, <paramref name="Y"/>), size, and parameters.</summary>
[GenerateSerializer, Immutable, Alias("crm.DashboardWidget")]
public sealed record DashboardWidget([property: Id(0)] string Id, [property: Id(1)] string Type, [property: Id(2)] JsonElement Params, [property: Id(3)] int X, [property: Id(4)] int Y, [property: Id(5)] int W, [property: Id(6)] int H);

/// <summary>A user's dashboard; <paramref name="IsDefault"/> while they have saved none (the widgets are then their role's default).</summary>
[GenerateSerializer, Immutable, Alias("crm.DashboardLayout")]
public sealed record DashboardLayout([property: Id(0)] IReadOnlyList<DashboardWidget> Widgets, [property: Id(1)] bool IsDefault, [property: Id(2)] DateTime? UpdatedAt, [property: Id(3)] long Version);

/// <summary>
/// One user's dashboard (key: the user id): the saved layout. The API validates a layout against the widget
/// catalog before it comes here; the grain keeps it whole, one save at a time.
/// </summary>
[Alias("crm.IDashboardGrain")]
public interface IDashboardGrain : IGrainWithGuidCompoundKey
{
    /// <summary>The saved layout; an empty, default one when nothing was saved.</summary>
    [ReadOnly, Alias("Get")]
    Task<DashboardLayout> GetAsync();

    /// <summary>Replaces the layout; 412 on a stale <paramref name="expectedVersion"/>. Overlapping widgets are refused here too.</summary>
    [Alias("Save")]
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
