using M3CoreCRM.Grains.Abstractions.Contacts;
using M3CoreCRM.Runtime.Errors;
using M3CoreCRM.Runtime.Events;
using M3CoreCRM.Runtime.Grains;
using M3CoreCRM.Runtime.Persistence;

namespace M3CoreCRM.Grains.Contacts;

public sealed class ContactState
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
}

[GrainType("contact")]
public sealed class ContactGrain([PersistentState("contacts")] IPersistentState<ContactState> state) : Grain, IContactGrain
{
    public async Task<ContactInfo> CreateAsync(ContactFields fields)
    {
        if (state.RecordExists)
        {
            throw new DomainException(DomainErrorKind.Conflict, "contact_exists", "This contact already exists.");
        }

        var now = DateTime.UtcNow;
        state.State = new ContactState { CreatedAt = now, UpdatedAt = now };
        await WriteAsync("contact.created", Apply(fields));
        return Info();
    }

    public Task<ContactInfo> GetAsync()
    {
        EnsureExists();
        return Task.FromResult(Info());
    }

    public async Task<ContactInfo> UpdateAsync(ContactFields fields, long? expectedVersion)
    {
        EnsureExists();
        Concurrency.Check(state.Version, expectedVersion);
        var changes = Apply(fields);
        if (changes.Count > 0)
        {
            state.State.UpdatedAt = DateTime.UtcNow;
            await WriteAsync("contact.updated", changes);
        }

        return Info();
    }

    public async Task DeleteAsync(long? expectedVersion)
    {
        EnsureExists();
        Concurrency.Check(state.Version, expectedVersion);
        state.State.Deleted = true;
        state.State.UpdatedAt = DateTime.UtcNow;
        await WriteAsync("contact.deleted", new() { ["deleted"] = new(false, true) });
    }

    private Dictionary<string, FieldChange> Apply(ContactFields f)
    {
        var s = state.State;
        var changes = new Dictionary<string, FieldChange>();
        Change.Track(changes, "firstName", s.FirstName, f.FirstName, v => s.FirstName = v);
        Change.Track(changes, "lastName", s.LastName, f.LastName, v => s.LastName = v);
        Change.TrackShape(changes, "emails", s.Emails, f.Emails, v => s.Emails = v);
        Change.TrackShape(changes, "phones", s.Phones, f.Phones, v => s.Phones = v);
        Change.Track(changes, "companyId", s.CompanyId, f.CompanyId, v => s.CompanyId = v);
        Change.Track(changes, "ownerId", s.OwnerId, f.OwnerId, v => s.OwnerId = v);
        return changes;
    }

    private Task WriteAsync(string eventType, Dictionary<string, FieldChange> changes) =>
        state.WriteStateAsync([new GrainEvent(eventType, "contact", Key, new
        {
            id = Key, name = $"{state.State.FirstName} {state.State.LastName}".Trim(), ownerId = state.State.OwnerId, state.State.CompanyId,
        }, changes)]);

    private void EnsureExists()
    {
        if (!state.RecordExists || state.State.Deleted)
        {
            throw DomainException.NotFound("The contact");
        }
    }

    private ContactInfo Info()
    {
        var s = state.State;
        return new ContactInfo(Key, s.FirstName, s.LastName, s.Emails, s.Phones, s.CompanyId, s.OwnerId, s.CreatedAt, s.UpdatedAt, state.Version);
    }
}

public sealed class CompanyState
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
public sealed class CompanyGrain([PersistentState("companies")] IPersistentState<CompanyState> state) : Grain, ICompanyGrain
{
    public async Task<CompanyInfo> CreateAsync(CompanyFields fields)
    {
        if (state.RecordExists)
        {
            throw new DomainException(DomainErrorKind.Conflict, "company_exists", "This company already exists.");
        }

        var now = DateTime.UtcNow;
        state.State = new CompanyState { CreatedAt = now, UpdatedAt = now };
        await WriteAsync("company.created", Apply(fields));
        return Info();
    }

    public Task<CompanyInfo> GetAsync()
    {
        EnsureExists();
        return Task.FromResult(Info());
    }

    public async Task<CompanyInfo> UpdateAsync(CompanyFields fields, long? expectedVersion)
    {
        EnsureExists();
        Concurrency.Check(state.Version, expectedVersion);
        var changes = Apply(fields);
        if (changes.Count > 0)
        {
            state.State.UpdatedAt = DateTime.UtcNow;
            await WriteAsync("company.updated", changes);
        }

        return Info();
    }

    public async Task DeleteAsync(long? expectedVersion)
    {
        EnsureExists();
        Concurrency.Check(state.Version, expectedVersion);
        state.State.Deleted = true;
        state.State.UpdatedAt = DateTime.UtcNow;
        await WriteAsync("company.deleted", new() { ["deleted"] = new(false, true) });
    }

    private Dictionary<string, FieldChange> Apply(CompanyFields f)
    {
        var s = state.State;
        var changes = new Dictionary<string, FieldChange>();
        Change.Track(changes, "name", s.Name, f.Name, v => s.Name = v);
        Change.Track(changes, "domain", s.Domain, f.Domain, v => s.Domain = v);
        Change.Track(changes, "industry", s.Industry, f.Industry, v => s.Industry = v);
        Change.Track(changes, "ownerId", s.OwnerId, f.OwnerId, v => s.OwnerId = v);
        return changes;
    }

    private Task WriteAsync(string eventType, Dictionary<string, FieldChange> changes) =>
        state.WriteStateAsync([new GrainEvent(eventType, "company", Key, new { id = Key, state.State.Name, ownerId = state.State.OwnerId }, changes)]);

    private void EnsureExists()
    {
        if (!state.RecordExists || state.State.Deleted)
        {
            throw DomainException.NotFound("The company");
        }
    }

    private CompanyInfo Info()
    {
        var s = state.State;
        return new CompanyInfo(Key, s.Name, s.Domain, s.Industry, s.OwnerId, s.CreatedAt, s.UpdatedAt, state.Version);
    }
}
