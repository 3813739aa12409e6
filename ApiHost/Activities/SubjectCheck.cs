using M3CoreCRM.ApiHost.Conventions;
using M3CoreCRM.ApiHost.Identity;
using M3CoreCRM.ApiHost.Leads;
using M3CoreCRM.Grains.Abstractions.Activities;
using M3CoreCRM.Grains.Abstractions.Contacts;
using M3CoreCRM.Grains.Abstractions.Deals;
using M3CoreCRM.Grains.Abstractions.Identity;
using M3CoreCRM.Grains.Abstractions.Errors;
using M3CoreCRM.Grains.Persistence;
using Npgsql;

namespace M3CoreCRM.ApiHost.Activities;

/// <summary>
/// What activities, tasks and timelines are about: a lead, contact, company, deal or unit that exists
/// in the tenant and that the caller may read (otherwise 400, naming no more than that).
/// </summary>
public sealed class SubjectCheck(LeadQueries leads, RecordQueries records, NpgsqlDataSource db)
{
    public static readonly string[] Types = ["lead", "contact", "company", "deal", "unit"];

    public async Task<ActivitySubject> CheckAsync(Caller caller, SubjectRequest request, CancellationToken cancellationToken)
    {
        new Validation()
            .Check(request.Type is { } type && Types.Contains(type), "subject.type", $"One of: {string.Join(", ", Types)}.")
            .Check(request.Id is not null, "subject.id", "Required.")
            .ThrowIfInvalid();
        var subject = new ActivitySubject(request.Type!, request.Id!.Value);
        if (!await MayReadAsync(caller, subject, cancellationToken))
        {
            throw DomainException.Invalid("subject.id", $"No such {subject.Type} that you may read.");
        }

        return subject;
    }

    public async Task<bool> MayReadAsync(Caller caller, ActivitySubject subject, CancellationToken cancellationToken) => subject.Type switch
    {
        "lead" => await leads.InScopeAsync(caller, subject.Id, Permissions.LeadsRead, cancellationToken, orLockedToCaller: true),
        "contact" => await records.ReadAsync<ContactInfo>(caller, OwnedTable.Contacts, subject.Id, Permissions.ContactsRead, cancellationToken) is not null,
        "company" => await records.ReadAsync<CompanyInfo>(caller, OwnedTable.Companies, subject.Id, Permissions.CompaniesRead, cancellationToken) is not null,
        "deal" => await records.ReadAsync<DealInfo>(caller, OwnedTable.Deals, subject.Id, Permissions.DealsRead, cancellationToken) is not null,
        "unit" => caller.Can(Permissions.InventoryRead) && await UnitExistsAsync(caller, subject.Id, cancellationToken),
        _ => false,
    };

    private async Task<bool> UnitExistsAsync(Caller caller, Guid unitId, CancellationToken cancellationToken)
    {
        await using var batch = db.ForTenant(caller.TenantId);
        batch.Add("SELECT 1 FROM units WHERE tenant_id = $1 AND id = $2").With(caller.TenantId).With(unitId);
        return await batch.ScalarAsync(cancellationToken) is not null;
    }
}
