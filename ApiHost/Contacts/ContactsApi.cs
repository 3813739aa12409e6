using System.Globalization;
using M3CoreCRM.ApiHost.Conventions;
using M3CoreCRM.ApiHost.Identity;
using M3CoreCRM.ApiHost.Integrations;
using M3CoreCRM.ApiHost.Leads;
using M3CoreCRM.Grains.Abstractions.Activities;
using M3CoreCRM.Grains.Abstractions.Contacts;
using M3CoreCRM.Grains.Abstractions.Identity;
using M3CoreCRM.Grains.Abstractions.Leads;
using M3CoreCRM.Grains.Abstractions.Errors;
using M3CoreCRM.Grains.Abstractions.Tenancy;
using M3CoreCRM.Grains.Persistence;
using Npgsql;

namespace M3CoreCRM.ApiHost.Contacts;

public sealed record SaveContactRequest(
    [property: NeverNull] string? FirstName, [property: NeverNull] string? LastName, [property: NeverNull] string[]? Emails, [property: NeverNull] string[]? Phones,
    Guid? CompanyId, [property: NeverNull] Guid? OwnerId);

public sealed record LogContactCallRequest(CallDisposition? Disposition, int? DurationSeconds, string? Notes);

public sealed record SaveCompanyRequest([property: NeverNull] string? Name, string? Domain, string? Industry, [property: NeverNull] Guid? OwnerId);

/// <summary>Contacts and companies: people and the organisations they belong to, owned like leads (own, group or all scope).</summary>
public static class ContactsApi
{
    private const int MaxAddresses = 10;

    private static readonly SortOptions Sorts = new("name", new Dictionary<string, SortColumn>
    {
        ["name"] = new("name", "text"),
        ["createdAt"] = new("created_at", "timestamptz"),
    });

    public static IEndpointRouteBuilder MapContactsApi(this IEndpointRouteBuilder endpoints)
    {
        var contacts = endpoints.MapTenantGroup("/api/v1/contacts", "Contacts");
        contacts.MapGet("", ListContactsAsync).WithName("ListContacts").WithSummary("List contacts").RequirePermission(Permissions.ContactsRead)
            .WithDescription("Filters: ownerId, companyId; q matches names, phones (digits) and emails. Sort: name (default), createdAt.");
        contacts.MapGet("/{id:guid}", GetContactAsync).WithName("GetContact").WithSummary("Get a contact").RequirePermission(Permissions.ContactsRead);
        contacts.MapPost("", CreateContactAsync).WithName("CreateContact").WithSummary("Create a contact").RequirePermission(Permissions.ContactsWrite);
        contacts.MapPatch("/{id:guid}", UpdateContactAsync).WithName("UpdateContact").WithSummary("Update a contact").RequirePermission(Permissions.ContactsWrite);
        contacts.MapDelete("/{id:guid}", DeleteContactAsync).WithName("DeleteContact").WithSummary("Delete a contact").RequirePermission(Permissions.ContactsWrite);
        contacts.MapPost("/{id:guid}/calls", LogCallAsync).WithName("LogContactCall").WithSummary("Log a call to a contact").RequirePermission(Permissions.ActivitiesWrite)
            .WithDescription("Logs the caller's call to a contact they may read as a call activity, and answers it. When the caller placed a click-to-call to this " +
                "contact in the last 2 hours, after the contact's last logged call, the disposition is that call's: it goes into the call's one activity (which the " +
                "provider's report completes, in either order), so the call counts once. A contact has no call queue: a callback is noted, not scheduled (add a task).");

        var companies = endpoints.MapTenantGroup("/api/v1/companies", "Companies");
        companies.MapGet("", ListCompaniesAsync).WithName("ListCompanies").WithSummary("List companies").RequirePermission(Permissions.CompaniesRead);
        companies.MapGet("/{id:guid}", GetCompanyAsync).WithName("GetCompany").WithSummary("Get a company").RequirePermission(Permissions.CompaniesRead);
        companies.MapGet("/{id:guid}/contacts", CompanyContactsAsync).WithName("ListCompanyContacts").WithSummary("List a company's contacts").RequirePermission(Permissions.ContactsRead);
        companies.MapPost("", CreateCompanyAsync).WithName("CreateCompany").WithSummary("Create a company").RequirePermission(Permissions.CompaniesWrite);
        companies.MapPatch("/{id:guid}", UpdateCompanyAsync).WithName("UpdateCompany").WithSummary("Update a company").RequirePermission(Permissions.CompaniesWrite);
        companies.MapDelete("/{id:guid}", DeleteCompanyAsync).WithName("DeleteCompany").WithSummary("Delete a company").RequirePermission(Permissions.CompaniesWrite)
            .WithDescription("409 company_in_use while contacts belong to it.");
        return endpoints;
    }

    private static Task<Ok<Page<ContactInfo>>> ListContactsAsync(
        Caller caller, NpgsqlDataSource db, string? q, Guid? ownerId, Guid? companyId, string? sort, string? cursor, int? limit, CancellationToken cancellationToken) =>
        ListAsync<ContactInfo>(caller, db, OwnedTable.Contacts, Permissions.ContactsRead, q, ownerId, companyId, sort, cursor, limit, c => c.FirstName + " " + c.LastName, c => c.CreatedAt, c => c.Id, cancellationToken);

    private static async Task<Ok<Page<ContactInfo>>> CompanyContactsAsync(Guid id, Caller caller, NpgsqlDataSource db, RecordQueries queries, string? cursor, int? limit, CancellationToken cancellationToken)
    {
        _ = await queries.ReadAsync<CompanyInfo>(caller, OwnedTable.Companies, id, Permissions.CompaniesRead, cancellationToken) ?? throw DomainException.NotFound("The company");
        return await ListAsync<ContactInfo>(caller, db, OwnedTable.Contacts, Permissions.ContactsRead, null, null, id, null, cursor, limit, c => c.FirstName + " " + c.LastName, c => c.CreatedAt, c => c.Id, cancellationToken);
    }

    private static Task<Ok<Page<CompanyInfo>>> ListCompaniesAsync(
        Caller caller, NpgsqlDataSource db, string? q, Guid? ownerId, string? sort, string? cursor, int? limit, CancellationToken cancellationToken) =>
        ListAsync<CompanyInfo>(caller, db, OwnedTable.Companies, Permissions.CompaniesRead, q, ownerId, null, sort, cursor, limit, c => c.Name, c => c.CreatedAt, c => c.Id, cancellationToken);

    private static async Task<Ok<Page<T>>> ListAsync<T>(
        Caller caller, NpgsqlDataSource db, OwnedTable table, string permission, string? q, Guid? ownerId, Guid? companyId, string? sort, string? cursor, int? limit,
        Func<T, string> nameOf, Func<T, DateTime> createdAtOf, Func<T, Guid> idOf, CancellationToken cancellationToken)
    {
        var take = Cursor.Limit(limit);
        var after = Cursor.Decode(cursor);
        var (field, column, descending) = Sorts.Parse(sort);
        await using var batch = db.ForTenant(caller.TenantId);
        var command = batch.Add("");
        var where = new SqlConditions(command);
        where.Where($"r.tenant_id = {where.Param(caller.TenantId)} AND NOT r.deleted")
            .Where(ScopeFilter.Condition(caller, permission, "r.owner_id", command))
            .WhereIf(ownerId, p => $"r.owner_id = {p}")
            .WhereIf(companyId, p => $"r.company_id = {p}")
            .WhereIf(LeadValidation.SearchTerm(q), p => $"r.search LIKE '%' || {p} || '%'");
        where.After(after, column, descending, "r");
        command.CommandText = $"SELECT r.id, r.state::text, r.version, r.name FROM {table.Name} r WHERE {where} ORDER BY {SortOptions.OrderBy(column, descending, "r")} LIMIT {where.Param(take + 1)}";
        var rows = new List<(T Item, string Name)>();
        await using (var reader = await batch.ReadAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add((RecordQueries.Row<T>(reader), reader.GetString(3)));
            }
        }

        var page = Page.FromRows(rows, take, row => new Cursor(field == "createdAt" ? createdAtOf(row.Item).ToString("O", CultureInfo.InvariantCulture) : row.Name, idOf(row.Item)));
        return TypedResults.Ok(new Page<T>([.. page.Items.Select(r => r.Item)], page.NextCursor));
    }

    private static async Task<Ok<ContactInfo>> GetContactAsync(Guid id, Caller caller, IGrainFactory grains, HttpResponse response)
    {
        var contact = await grains.GetGrain<IContactGrain>(caller.TenantId, id).GetAsync();
        caller.EnsureReaches(Permissions.ContactsRead, contact.OwnerId, "The contact");
        Versioning.SetETag(response, contact.Version);
        return TypedResults.Ok(contact);
    }

    private static async Task<Ok<ActivityInfo>> LogCallAsync(
        Guid id, LogContactCallRequest request, Caller caller, IGrainFactory grains, NpgsqlDataSource db, CancellationToken cancellationToken)
    {
        // A contact the caller may not read is not found, whatever the body says (as for a lead's calls).
        var grain = grains.GetGrain<IContactGrain>(caller.TenantId, id);
        caller.EnsureReaches(Permissions.ContactsRead, (await grain.GetAsync()).OwnerId, "The contact");
        new Validation()
            .Check(request.Disposition is not null, "disposition", "One of: answered, no_answer, busy, wrong_number, callback, not_interested, interested.")
            .Check(request.DurationSeconds is null or (>= 0 and <= 86_400), "durationSeconds", "0 to 86400 seconds.")
            .Optional("notes", request.Notes, 4000)
            .ThrowIfInvalid();
        var clickToCall = await PlacedCalls.LatestAsync(db, caller.TenantId, caller.UserId, "contact", id, cancellationToken);
        return TypedResults.Ok(await grain.LogCallAsync(caller.UserId, new LogContactCall(request.Disposition!.Value, request.DurationSeconds ?? 0, request.Notes) { ClickToCall = clickToCall }));
    }

    private static async Task<Ok<CompanyInfo>> GetCompanyAsync(Guid id, Caller caller, IGrainFactory grains, HttpResponse response)
    {
        var company = await grains.GetGrain<ICompanyGrain>(caller.TenantId, id).GetAsync();
        caller.EnsureReaches(Permissions.CompaniesRead, company.OwnerId, "The company");
        Versioning.SetETag(response, company.Version);
        return TypedResults.Ok(company);
    }

    private static async Task<Created<ContactInfo>> CreateContactAsync(SaveContactRequest request, Caller caller, IGrainFactory grains, LeadQueries people, RecordQueries queries, HttpContext context, CancellationToken cancellationToken)
    {
        var fields = await ValidateAsync(request with { OwnerId = request.OwnerId ?? caller.UserId }, caller, people, queries, null, cancellationToken);
        var id = RecordIds.New(context, "contact");
        var grain = grains.GetGrain<IContactGrain>(caller.TenantId, id);
        return TypedResults.Created($"/api/v1/contacts/{id}", await RecordIds.CreateOnceAsync(context, () => grain.CreateAsync(fields), grain.GetAsync));
    }

    private static async Task<Ok<ContactInfo>> UpdateContactAsync(
        Guid id, SaveContactRequest request, Caller caller, IGrainFactory grains, LeadQueries people, RecordQueries queries, HttpContext context, CancellationToken cancellationToken)
    {
        _ = await queries.ReadAsync<ContactInfo>(caller, OwnedTable.Contacts, id, Permissions.ContactsWrite, cancellationToken) ?? throw DomainException.NotFound("The contact");
        var grain = grains.GetGrain<IContactGrain>(caller.TenantId, id);
        var contact = await Versioning.MergeAsync(context.Request, grain.GetAsync, current => current.Version, async (current, version) =>
            await grain.UpdateAsync(await ValidateAsync(new SaveContactRequest(
                request.FirstName ?? current.FirstName,
                request.LastName ?? current.LastName,
                request.Emails ?? [.. current.Emails],
                request.Phones ?? [.. current.Phones],
                request.CompanyId ?? current.CompanyId,
                request.OwnerId ?? current.OwnerId), caller, people, queries, current.OwnerId, cancellationToken), version));
        Versioning.SetETag(context.Response, contact.Version);
        return TypedResults.Ok(contact);
    }

    private static async Task<NoContent> DeleteContactAsync(Guid id, Caller caller, IGrainFactory grains, RecordQueries queries, HttpRequest request, CancellationToken cancellationToken)
    {
        _ = await queries.ReadAsync<ContactInfo>(caller, OwnedTable.Contacts, id, Permissions.ContactsWrite, cancellationToken) ?? throw DomainException.NotFound("The contact");
        await grains.GetGrain<IContactGrain>(caller.TenantId, id).DeleteAsync(Versioning.IfMatch(request));
        return TypedResults.NoContent();
    }

    private static async Task<Created<CompanyInfo>> CreateCompanyAsync(SaveCompanyRequest request, Caller caller, IGrainFactory grains, LeadQueries people, HttpContext context, CancellationToken cancellationToken)
    {
        var fields = await ValidateAsync(request with { OwnerId = request.OwnerId ?? caller.UserId }, caller, people, null, cancellationToken);
        var id = RecordIds.New(context, "company");
        var grain = grains.GetGrain<ICompanyGrain>(caller.TenantId, id);
        return TypedResults.Created($"/api/v1/companies/{id}", await RecordIds.CreateOnceAsync(context, () => grain.CreateAsync(fields), grain.GetAsync));
    }

    private static async Task<Ok<CompanyInfo>> UpdateCompanyAsync(
        Guid id, SaveCompanyRequest request, Caller caller, IGrainFactory grains, LeadQueries people, RecordQueries queries, HttpContext context, CancellationToken cancellationToken)
    {
        _ = await queries.ReadAsync<CompanyInfo>(caller, OwnedTable.Companies, id, Permissions.CompaniesWrite, cancellationToken) ?? throw DomainException.NotFound("The company");
        var grain = grains.GetGrain<ICompanyGrain>(caller.TenantId, id);
        var company = await Versioning.MergeAsync(context.Request, grain.GetAsync, current => current.Version, async (current, version) =>
            await grain.UpdateAsync(await ValidateAsync(new SaveCompanyRequest(
                request.Name ?? current.Name, request.Domain ?? current.Domain, request.Industry ?? current.Industry, request.OwnerId ?? current.OwnerId),
                caller, people, current.OwnerId, cancellationToken), version));
        Versioning.SetETag(context.Response, company.Version);
        return TypedResults.Ok(company);
    }

    private static async Task<NoContent> DeleteCompanyAsync(Guid id, Caller caller, IGrainFactory grains, RecordQueries queries, NpgsqlDataSource db, HttpRequest request, CancellationToken cancellationToken)
    {
        _ = await queries.ReadAsync<CompanyInfo>(caller, OwnedTable.Companies, id, Permissions.CompaniesWrite, cancellationToken) ?? throw DomainException.NotFound("The company");
        await using (var batch = db.ForTenant(caller.TenantId))
        {
            batch.Add("SELECT 1 FROM contacts WHERE tenant_id = $1 AND company_id = $2 AND NOT deleted LIMIT 1").With(caller.TenantId).With(id);
            if (await batch.ScalarAsync(cancellationToken) is not null)
            {
                throw new DomainException(DomainErrorKind.Conflict, "company_in_use", "Contacts still belong to this company; move or delete them first.");
            }
        }

        await grains.GetGrain<ICompanyGrain>(caller.TenantId, id).DeleteAsync(Versioning.IfMatch(request));
        return TypedResults.NoContent();
    }

    private static async Task<ContactFields> ValidateAsync(SaveContactRequest request, Caller caller, LeadQueries people, RecordQueries queries, Guid? currentOwner, CancellationToken cancellationToken)
    {
        var validation = new Validation()
            .Required("firstName", request.FirstName, 100)
            .Optional("lastName", string.IsNullOrEmpty(request.LastName) ? null : request.LastName, 100)
            .Check((request.Emails?.Length ?? 0) <= MaxAddresses, "emails", $"At most {MaxAddresses}.")
            .Check((request.Phones?.Length ?? 0) <= MaxAddresses, "phones", $"At most {MaxAddresses}.");
        var emails = (request.Emails ?? []).Select((e, i) => validation.NormalisedEmail($"emails[{i}]", e ?? "")).ToList();
        var phones = (request.Phones ?? []).Select((p, i) => validation.NormalisedPhone($"phones[{i}]", p ?? "")).ToList();
        validation.Check(emails.All(e => e is not null) && phones.All(p => p is not null), "emails", "No empty entries in emails or phones.");
        validation.ThrowIfInvalid();
        if (request.CompanyId is { } companyId && await queries.ReadAsync<CompanyInfo>(caller, OwnedTable.Companies, companyId, Permissions.CompaniesRead, cancellationToken) is null)
        {
            throw DomainException.Invalid("companyId", "No such company that you may read.");
        }

        if (request.OwnerId != currentOwner)
        {
            await Ownership.EnsureMayOwnAsync(people, caller, request.OwnerId!.Value, null, caller.ScopeOf(Permissions.ContactsWrite), cancellationToken);
        }

        return new ContactFields(request.FirstName!.Trim(), request.LastName?.Trim() ?? "", [.. emails.OfType<string>().Distinct()], [.. phones.OfType<string>().Distinct()], request.CompanyId, request.OwnerId!.Value);
    }

    private static async Task<CompanyFields> ValidateAsync(SaveCompanyRequest request, Caller caller, LeadQueries people, Guid? currentOwner, CancellationToken cancellationToken)
    {
        new Validation()
            .Required("name", request.Name, 200)
            .Optional("domain", request.Domain, 253)
            .Check(request.Domain is null || Uri.CheckHostName(request.Domain.Trim()) == UriHostNameType.Dns, "domain", "A domain name, such as example.com.")
            .Optional("industry", request.Industry, 100)
            .ThrowIfInvalid();
        if (request.OwnerId != currentOwner)
        {
            await Ownership.EnsureMayOwnAsync(people, caller, request.OwnerId!.Value, null, caller.ScopeOf(Permissions.CompaniesWrite), cancellationToken);
        }

        return new CompanyFields(request.Name!.Trim(), request.Domain?.Trim().ToLowerInvariant(), request.Industry?.Trim(), request.OwnerId!.Value);
    }
}
