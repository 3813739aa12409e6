namespace M3CoreCRM.Grains.Abstractions.Dashboards;

/// <summary>
/// A tenant's dashboard figures (key: the tenant id, as its live event stream's): the answers of the reports that
/// dashboard widgets show, as the API host rendered them, each kept with the event position it was read at. It
/// takes the tenant's events from the live stream and drops every answer an event may have changed, so a dashboard
/// that opens gets current numbers without running its reports again. Answers are keyed by the report, its filters
/// and the reader's scope, so readers who see the same records share them.
/// </summary>
[Alias("crm.IDashboardFiguresGrain")]
public interface IDashboardFiguresGrain : IGrainWithGuidKey
{
    /// <summary>
    /// The answer kept under <paramref name="key"/>, if it is current as of <paramref name="position"/> (the tenant's
    /// latest position when the reader asked): every event up to there has been taken in and none changed it.
    /// </summary>
    [ReadOnly, Alias("Get")]
    Task<string?> GetAsync(string key, long position);

    /// <summary>
    /// Keeps <paramref name="json"/>, the answer of <paramref name="report"/> read after the tenant's position was
    /// <paramref name="position"/>; refused (false) when an event after that position may already have changed it.
    /// </summary>
    [Alias("Keep")]
    Task<bool> KeepAsync(string report, string key, long position, string json);
}
