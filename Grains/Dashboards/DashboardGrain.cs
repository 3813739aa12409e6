using M3CoreCRM.Grains.Abstractions.Dashboards;
using M3CoreCRM.Grains.Events;
using M3CoreCRM.Grains.Persistence;

namespace M3CoreCRM.Grains.Dashboards;

public sealed class DashboardState
{
    public IReadOnlyList<DashboardWidget> Widgets { get; set; } = [];

    public DateTime UpdatedAt { get; set; }
}

[GrainType("dashboard")]
public sealed class DashboardGrain([PersistentState("dashboards", CrmStorage.Name)] IPersistentState<DashboardState> state) : CrmGrain, IDashboardGrain
{
    public Task<DashboardLayout> GetAsync() => Task.FromResult(Layout());

    public async Task<DashboardLayout> SaveAsync(IReadOnlyList<DashboardWidget> widgets, long? expectedVersion)
    {
        Concurrency.Check(state.Version, expectedVersion);
        if (DashboardGrid.FirstOverlap(widgets) is var (first, second))
        {
            throw DomainException.Invalid("widgets", $"Widgets '{first.Id}' and '{second.Id}' overlap.");
        }

        var before = state.State.Widgets.Count;
        state.State.Widgets = widgets;
        state.State.UpdatedAt = DateTime.UtcNow;
        await state.WriteStateAsync([new GrainEvent("dashboard.saved", "dashboard", Key, new { id = Key, widgets = widgets.Count }, new Dictionary<string, FieldChange>
        {
            ["widgets"] = new(before, widgets.Count),
        })]);
        return Layout();
    }

    private DashboardLayout Layout() => state.RecordExists
        ? new DashboardLayout(state.State.Widgets, false, state.State.UpdatedAt, state.Version)
        : new DashboardLayout([], true, null, 0);
}
