using M3CoreCRM.Grains.Abstractions.Leads;
using M3CoreCRM.Grains.Events;
using M3CoreCRM.Grains.Persistence;

namespace M3CoreCRM.Grains.Leads;

/// <summary>The catalog; a tenant that never changed it has the defaults (also after a failed first write, which reloads a new state).</summary>
public sealed class LeadCatalogState
{
    public List<LeadStatus> Statuses { get; set; } =
    [
        new("new", "New", StatusCategory.Open, 10),
        new("contacted", "Contacted", StatusCategory.Open, 20),
        new("qualified", "Qualified", StatusCategory.Open, 30),
        new("won", "Won", StatusCategory.Won, 90),
        new("lost", "Lost", StatusCategory.Lost, 100),
    ];

    public List<LeadSource> Sources { get; set; } =
    [
        new("web", "Website"), new("referral", "Referral"), new("walk_in", "Walk-in"), new("phone", "Phone"), new("social", "Social media"), new("import", "Import"),
    ];
}

[GrainType("lead-catalog")]
public sealed class LeadCatalogGrain([PersistentState("lead_catalogs", CrmStorage.Name)] IPersistentState<LeadCatalogState> state) : CrmGrain, ILeadCatalogGrain
{
    public Task<LeadCatalog> GetAsync() => Task.FromResult(Current());

    public async Task<LeadCatalog> AddStatusAsync(LeadStatus status)
    {
        if (state.State.Statuses.Any(s => s.Key == status.Key))
        {
            throw new DomainException(DomainErrorKind.Conflict, "status_exists", $"The status '{status.Key}' already exists.");
        }

        state.State.Statuses = [.. state.State.Statuses.Append(status).OrderBy(s => s.Order)];
        await WriteAsync("lead_status.created", status.Key, new { status.Key, status.Name, status.Category });
        return Current();
    }

    public async Task<LeadCatalog> AddSourceAsync(LeadSource source)
    {
        if (state.State.Sources.Any(s => s.Key == source.Key))
        {
            throw new DomainException(DomainErrorKind.Conflict, "source_exists", $"The source '{source.Key}' already exists.");
        }

        state.State.Sources = [.. state.State.Sources, source];
        await WriteAsync("lead_source.created", source.Key, new { source.Key, source.Name });
        return Current();
    }

    private Task WriteAsync(string eventType, string key, object added) =>
        state.WriteStateAsync([new GrainEvent(eventType, "lead_catalog", Key, new { key }, new Dictionary<string, FieldChange> { [key] = new(null, added) })]);

    private LeadCatalog Current() => new(state.State.Statuses, state.State.Sources, state.Version);
}
