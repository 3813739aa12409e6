using M3CoreCRM.Grains.Abstractions.Activities;
using M3CoreCRM.Grains.Abstractions.Contacts;
using M3CoreCRM.Grains.Activities;
using M3CoreCRM.Grains.Events;
using M3CoreCRM.Grains.Persistence;

namespace M3CoreCRM.Grains.Contacts;

public sealed class ContactState : IOwnedRecordState
{
    public string FirstName { get; set; } = "";

    public string LastName { get; set; } = "";

    public IReadOnlyList<string> Emails { get; set; } = [];

    public IReadOnlyList<string> Phones { get; set; } = [];

    public Guid? CompanyId { get; set; }

    public Guid OwnerId { get; set; }

    public bool Deleted { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime UpdatedAt { get; set; }

    /// <summary>Calls logged on the contact; the next one's activity id is derived from it.</summary>
    public int CallsLogged { get; set; }

    /// <summary>When its last call was logged: a click-to-call placed before it has had its disposition.</summary>
    public DateTime? LastCalledAt { get; set; }
}

[GrainType("contact")]
public sealed class ContactGrain([PersistentState("contacts", CrmStorage.Name)] IPersistentState<ContactState> state)
    : OwnedRecordGrain<ContactState, ContactFields, ContactInfo>(state, "contact"), IContactGrain
{
    protected override Dictionary<string, FieldChange> Apply(ContactFields fields)
    {
        var s = State;
        var changes = new Dictionary<string, FieldChange>();
        Change.Track(changes, "firstName", s.FirstName, fields.FirstName, v => s.FirstName = v);
        Change.Track(changes, "lastName", s.LastName, fields.LastName, v => s.LastName = v);
        Change.TrackShape(changes, "emails", s.Emails, fields.Emails, v => s.Emails = v);
        Change.TrackShape(changes, "phones", s.Phones, fields.Phones, v => s.Phones = v);
        Change.Track(changes, "companyId", s.CompanyId, fields.CompanyId, v => s.CompanyId = v);
        Change.Track(changes, "ownerId", s.OwnerId, fields.OwnerId, v => s.OwnerId = v);
        return changes;
    }

    public async Task<ActivityInfo> LogCallAsync(Guid agentId, LogContactCall call)
    {
        EnsureExists();
        var s = State;
        var now = DateTime.UtcNow;

        // The activity first (the click-to-call's, or this call's under an id a retry after a failed contact write finds again).
        var activity = new NewActivity(ActivityType.Call, new ActivitySubject("contact", Key), now, call.DurationSeconds, CallActivityIds.Outcome(call.Disposition), call.Notes, agentId);
        var logged = await CallActivityIds.RecordAgentCallAsync(GrainFactory, TenantId, Key, s.CallsLogged + 1, s.LastCalledAt, call.ClickToCall, activity);

        s.CallsLogged++;
        s.LastCalledAt = now;
        await WriteAsync(new GrainEvent("call.logged", "contact", Key, new
        {
            id = Key, contactId = Key, activityId = logged.Id, agentId, disposition = call.Disposition, call.DurationSeconds,
            ownerId = s.OwnerId, name = Name,
        }));
        return logged;
    }

    protected override object EventData() => new { id = Key, name = Name, ownerId = State.OwnerId, State.CompanyId };

    protected override ContactInfo Info()
    {
        var s = State;
        return new ContactInfo(Key, s.FirstName, s.LastName, s.Emails, s.Phones, s.CompanyId, s.OwnerId, s.CreatedAt, s.UpdatedAt, Version);
    }

    private string Name => $"{State.FirstName} {State.LastName}".Trim();
}

public sealed class CompanyState : IOwnedRecordState
{
    public string Name { get; set; } = "";

    public string? Domain { get; set; }

    public string? Industry { get; set; }

    public Guid OwnerId { get; set; }

    public bool Deleted { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime UpdatedAt { get; set; }
}

[GrainType("company")]
public sealed class CompanyGrain([PersistentState("companies", CrmStorage.Name)] IPersistentState<CompanyState> state)
    : OwnedRecordGrain<CompanyState, CompanyFields, CompanyInfo>(state, "company"), ICompanyGrain
{
    protected override Dictionary<string, FieldChange> Apply(CompanyFields fields)
    {
        var s = State;
        var changes = new Dictionary<string, FieldChange>();
        Change.Track(changes, "name", s.Name, fields.Name, v => s.Name = v);
        Change.Track(changes, "domain", s.Domain, fields.Domain, v => s.Domain = v);
        Change.Track(changes, "industry", s.Industry, fields.Industry, v => s.Industry = v);
        Change.Track(changes, "ownerId", s.OwnerId, fields.OwnerId, v => s.OwnerId = v);
        return changes;
    }

    protected override object EventData() => new { id = Key, State.Name, ownerId = State.OwnerId };

    protected override CompanyInfo Info()
    {
        var s = State;
        return new CompanyInfo(Key, s.Name, s.Domain, s.Industry, s.OwnerId, s.CreatedAt, s.UpdatedAt, Version);
    }
}
