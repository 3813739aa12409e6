using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using M3CoreCRM.ApiHost.Identity;
using M3CoreCRM.Grains.Abstractions.Dashboards;
using M3CoreCRM.Grains.Abstractions.Identity;
using M3CoreCRM.Grains.Events;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace M3CoreCRM.ApiHost.Reports;

/// <summary>
/// The JSON answers of the reports dashboard widgets show, kept by the tenant's <see cref="IDashboardFiguresGrain"/>
/// until an event may have changed them. The tenant's position is read first: a kept answer is served only if the
/// grain has taken in every event up to it, and an answer read now is kept with it, so no answer misses an event
/// numbered before it was served, nor a change whose event is still waiting for its number. Readers on this host who ask for the same answer at the same position while it is
/// being read share that one read (a dashboard event makes every open dashboard ask at once).
/// </summary>
public sealed class ReportAnswers(ReportQueries reports, TenantEventLog log, IGrainFactory grains, IOptions<JsonOptions> json)
{
    public static IReadOnlySet<string> Kept { get; } = new HashSet<string>(StringComparer.Ordinal) { "pipeline", "funnel", "agents", "inventory" };

    private readonly ConcurrentDictionary<(Guid Tenant, string Key, long Position), Lazy<Task<string>>> _reading = new();

    public async Task<string> JsonAsync(string name, Caller caller, ReportFilters filters, CancellationToken cancellationToken)
    {
        var key = KeyOf(name, caller, filters);
        var (position, unnumbered) = await log.PositionAsync(caller.TenantId, cancellationToken);
        var figures = grains.GetGrain<IDashboardFiguresGrain>(caller.TenantId);
        // Committed events not yet numbered (the relay is a moment behind a write) may have changed a kept answer,
        // and no event of theirs has reached the grain: a reader who has just written reads afresh.
        if (!unnumbered && await figures.GetAsync(key, position) is { } kept)
        {
            return kept;
        }

        var reading = (caller.TenantId, key, position);
        // Not the caller's token: others may wait on this read, and a kept answer serves later readers too.
        var read = _reading.GetOrAdd(reading, _ => new Lazy<Task<string>>(() => ReadAndKeepAsync(name, key, position, caller, filters)));
        var answer = read.Value;
        _ = answer.ContinueWith(_ => _reading.TryRemove(KeyValuePair.Create(reading, read)), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return await answer.WaitAsync(cancellationToken);
    }

    private async Task<string> ReadAndKeepAsync(string name, string key, long position, Caller caller, ReportFilters filters)
    {
        var report = await reports.RunAsync(name, caller, filters, CancellationToken.None);
        var answer = JsonSerializer.Serialize(ReportView.Of(report), json.Value.SerializerOptions);
        await grains.GetGrain<IDashboardFiguresGrain>(caller.TenantId).KeepAsync(name, key, position, answer);
        return answer;
    }

    /// <summary>
    /// What the answer depends on: the report, its filters, and whose records the reader may count (readers of
    /// scope all share answers; own and group answers are the reader's own).
    /// </summary>
    private static string KeyOf(string name, Caller caller, ReportFilters f)
    {
        var scope = caller.ScopeOf(Permissions.ReportsRead) switch
        {
            PermissionScope.All => "all",
            { } other => string.Create(CultureInfo.InvariantCulture, $"{other}:{caller.UserId}"),
            null => "none",
        };
        return string.Create(CultureInfo.InvariantCulture, $"{name}|{scope}|{f.From:O}|{f.To:O}|{f.OwnerId}|{f.GroupId}|{f.ProjectId}|{f.PipelineId}");
    }
}
