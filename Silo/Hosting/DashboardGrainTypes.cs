using Orleans.Metadata;

namespace M3CoreCRM.Silo.Hosting;

/// <summary>
/// Grain type names of Microsoft.Orleans.Dashboard's grains, prefixed <c>orleans-dashboard.</c>: by Orleans' naming
/// convention its <c>DashboardGrain</c> is <c>dashboard</c>, the grain type of our users' dashboards, and a silo
/// refuses to start with two grain classes of one type. Their grains are in every silo's manifest (the package is
/// referenced), whether the dashboard is on or not; ours keep their names, which stored rows and reminders carry.
/// </summary>
internal sealed class DashboardGrainTypes : IGrainTypeProvider
{
    private static readonly System.Reflection.Assembly DashboardAssembly = typeof(Orleans.Dashboard.DashboardOptions).Assembly;

    public bool TryGetGrainType(Type type, out GrainType grainType)
    {
        if (type.Assembly != DashboardAssembly || type.IsGenericType)
        {
            grainType = default;
            return false;
        }

        var name = type.Name.EndsWith("Grain", StringComparison.Ordinal) ? type.Name[..^"Grain".Length] : type.Name;
        grainType = GrainType.Create("orleans-dashboard." + name.ToLowerInvariant());
        return true;
    }
}
