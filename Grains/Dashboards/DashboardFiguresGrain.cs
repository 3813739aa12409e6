using M3CoreCRM.Grains.Abstractions.Dashboards;
using M3CoreCRM.Grains.Abstractions.Events;
using M3CoreCRM.Grains.Events;
using Orleans.Streams;
using Orleans.Streams.Core;

namespace M3CoreCRM.Grains.Dashboards;

/// <summary>
/// The tenant's <see cref="IDashboardFiguresGrain"/>: an implicit subscriber of the tenant's live event stream (one
/// per tenant in the cluster), holding report answers in memory only; a new activation starts empty and takes no
/// answer read before it began. An answer is dropped when an event of a kind its report counts is numbered after
/// the answer's position, when a batch of events is missing (anything may have changed), and after
/// <see cref="MaxAge"/>, which bounds any change that comes without an event.
/// </summary>
[ImplicitStreamSubscription(EventStreams.Namespace)]
[GrainType("dashboard-figures")]
public sealed class DashboardFiguresGrain(TenantEventLog log) : Grain, IDashboardFiguresGrain, IStreamSubscriptionObserver
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(2);

    public const int MaxAnswers = 2_000;

    /// <summary>
    /// Which reports each kind of event (the part of its type before the dot) may change. Users, roles, groups and
    /// the tenant change who is counted, whose records are in scope, or the heading: every report.
    /// </summary>
    private static readonly Dictionary<string, string[]> ReportsChangedBy = new(StringComparer.Ordinal)
    {
        ["deal"] = ["pipeline", "agents"],
        ["pipeline"] = ["pipeline"],
        ["lead"] = ["funnel", "agents"],
        ["lead_status"] = ["funnel"],
        ["call"] = ["agents"],
        ["activity"] = ["agents"],
        ["unit"] = ["inventory"],
        ["project"] = ["inventory"],
        ["type_code"] = ["inventory"],
    };

    private static readonly HashSet<string> ChangesEveryReport = new(StringComparer.Ordinal) { "user", "role", "group", "tenant" };

    private static readonly string[] AllReports = [.. ReportsChangedBy.Values.SelectMany(r => r).Distinct()];

    private readonly Dictionary<string, Answer> _answers = new(StringComparer.Ordinal);

    /// <summary>Per report, the position of the latest event taken in that may have changed it.</summary>
    private readonly Dictionary<string, long> _changedAt = new(StringComparer.Ordinal);

    /// <summary>No answer read before this position is taken: events before the activation were not seen here.</summary>
    private long _floor;

    /// <summary>Every event up to here has been taken in, in order.</summary>
    private long _through;

    private Guid TenantId => this.GetPrimaryKey();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _floor = await log.LatestSequenceAsync(TenantId, cancellationToken);
        _through = _floor;
        await base.OnActivateAsync(cancellationToken);
    }

    public Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory) =>
        handleFactory.Create<PublishedEvents>().ResumeAsync((published, _) =>
        {
            TakeIn(published.Events);
            return Task.CompletedTask;
        });

    // Read-only: an answer past its age is only not served; the next keeping of its key replaces it, and the oldest
    // answers go first when the grain is full.
    public Task<string?> GetAsync(string key, long position) =>
        Task.FromResult(position <= _through && _answers.TryGetValue(key, out var answer) && DateTimeOffset.UtcNow - answer.ReadAt <= MaxAge ? answer.Json : null);

    public Task<bool> KeepAsync(string report, string key, long position, string json)
    {
        if (position < _floor || _changedAt.GetValueOrDefault(report) > position)
        {
            return Task.FromResult(false);
        }

        if (_answers.Count >= MaxAnswers && !_answers.ContainsKey(key))
        {
            _answers.Remove(_answers.MinBy(a => a.Value.ReadAt).Key);
        }

        _answers[key] = new Answer(report, position, DateTimeOffset.UtcNow, json);
        return Task.FromResult(true);
    }

    /// <summary>
    /// Takes in a batch in order: each event moves its reports' change position on, then one pass over the answers
    /// drops those read before their report's latest change (an event per answer per event would be a busy tenant's
    /// hot path).
    /// </summary>
    private void TakeIn(IReadOnlyList<StoredEvent> events)
    {
        var changed = false;
        foreach (var e in events)
        {
            if (e.Sequence <= _through)
            {
                continue;
            }

            if (e.Sequence != _through + 1)
            {
                // A batch never came: what it held is unknown, so nothing kept is known to be current.
                _answers.Clear();
                MarkChanged(AllReports, e.Sequence);
            }

            _through = e.Sequence;
            var kind = e.Type.Split('.', 2)[0];
            changed |= MarkChanged(ChangesEveryReport.Contains(kind) ? AllReports : ReportsChangedBy.GetValueOrDefault(kind) ?? [], e.Sequence);
        }

        if (changed)
        {
            foreach (var (key, answer) in _answers)
            {
                if (answer.Position < _changedAt.GetValueOrDefault(answer.Report))
                {
                    _answers.Remove(key);
                }
            }
        }
    }

    private bool MarkChanged(string[] reports, long position)
    {
        foreach (var report in reports)
        {
            _changedAt[report] = position;
        }

        return reports.Length > 0;
    }

    private sealed record Answer(string Report, long Position, DateTimeOffset ReadAt, string Json);
}
