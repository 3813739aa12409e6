using System.Net;
using M3CoreCRM.Tests.Api;
using M3CoreCRM.Tests.Identity;
using M3CoreCRM.Tests.Infrastructure;

namespace M3CoreCRM.Tests.Contacts;

[Collection(PostgresCollection.Name)]
public sealed class ContactTests(PostgresFixture postgres) : ApiTestBase(postgres)
{
    [Fact]
    public async Task ContactsBelongToCompaniesThatCannotBeDeletedUnderThem()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        var company = await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/companies", new { name = "Gulf Holdings", domain = "Gulf-Holdings.example", industry = "Investment" }, HttpStatusCode.Created);
        var companyId = company.GetProperty("id").GetGuid();
        Assert.Equal("gulf-holdings.example", company.GetProperty("domain").GetString());
        Assert.Equal(tenant.UserId, company.GetProperty("ownerId").GetGuid());

        var contact = await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/contacts", new
        {
            firstName = "Rania",
            lastName = "Saleh",
            emails = new[] { "Rania@Gulf-Holdings.example" },
            phones = new[] { "00971 4 555 0101" },
            companyId,
        }, HttpStatusCode.Created);
        var contactId = contact.GetProperty("id").GetGuid();
        Assert.Equal(["rania@gulf-holdings.example"], contact.GetProperty("emails").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["+97145550101"], contact.GetProperty("phones").EnumerateArray().Select(e => e.GetString()));

        var members = await tenant.GetJsonAsync($"/api/v1/companies/{companyId}/contacts");
        Assert.Equal(contactId, Assert.Single(members.GetProperty("items").EnumerateArray()).GetProperty("id").GetGuid());
        Assert.Equal(contactId, Assert.Single((await tenant.GetJsonAsync("/api/v1/contacts?q=5550101")).GetProperty("items").EnumerateArray()).GetProperty("id").GetGuid());
        Assert.Equal(contactId, Assert.Single((await tenant.GetJsonAsync("/api/v1/contacts?q=rania@gulf")).GetProperty("items").EnumerateArray()).GetProperty("id").GetGuid());

        var renamed = await tenant.SendJsonAsync(HttpMethod.Patch, $"/api/v1/contacts/{contactId}", new { lastName = "Saleh-Haddad" }, HttpStatusCode.OK);
        Assert.Equal("Saleh-Haddad", renamed.GetProperty("lastName").GetString());
        Assert.Equal(companyId, renamed.GetProperty("companyId").GetGuid());

        await ErrorFormatTests.AssertProblemAsync(await tenant.SendAsync(HttpMethod.Delete, $"/api/v1/companies/{companyId}"), HttpStatusCode.Conflict, "company_in_use");
        await tenant.SendJsonAsync(HttpMethod.Delete, $"/api/v1/contacts/{contactId}", null, HttpStatusCode.NoContent);
        await tenant.SendJsonAsync(HttpMethod.Delete, $"/api/v1/companies/{companyId}", null, HttpStatusCode.NoContent);
        await ErrorFormatTests.AssertProblemAsync(await tenant.SendAsync(HttpMethod.Get, $"/api/v1/companies/{companyId}"), HttpStatusCode.NotFound, "not_found");
        await ErrorFormatTests.AssertProblemAsync(await tenant.SendAsync(HttpMethod.Get, $"/api/v1/contacts/{contactId}"), HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task ACallToAContactIsACallActivityOnItForWhoeverMayReadIt()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        var contactId = (await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/contacts", new { firstName = "Layla", lastName = "Nasser" }, HttpStatusCode.Created))
            .GetProperty("id").GetGuid();

        var logged = await tenant.SendJsonAsync(HttpMethod.Post, $"/api/v1/contacts/{contactId}/calls",
            new { disposition = "callback", durationSeconds = 95, notes = "Call back after the site visit." }, HttpStatusCode.OK);
        Assert.Equal(("call", "contact", contactId), (logged.GetProperty("type").GetString(), logged.GetProperty("subject").GetProperty("type").GetString(), logged.GetProperty("subject").GetProperty("id").GetGuid()));
        Assert.Equal(("callback", 95, tenant.UserId), (logged.GetProperty("outcome").GetString(), logged.GetProperty("durationSeconds").GetInt32(), logged.GetProperty("ownerId").GetGuid()));
        var listed = Assert.Single((await tenant.GetJsonAsync($"/api/v1/activities?subjectId={contactId}")).GetProperty("items").EnumerateArray());
        Assert.Equal(logged.GetProperty("id").GetGuid(), listed.GetProperty("id").GetGuid());
        var timeline = (await tenant.GetJsonAsync($"/api/v1/entities/contact/{contactId}/timeline")).GetProperty("items").EnumerateArray().Select(e => e.GetProperty("type").GetString()).ToList();
        Assert.Contains("call.logged", timeline);

        var invalid = await tenant.SendAsync(HttpMethod.Post, $"/api/v1/contacts/{contactId}/calls", new { durationSeconds = -1 });
        var errors = (await ErrorFormatTests.AssertProblemAsync(invalid, HttpStatusCode.BadRequest, "validation_failed")).GetProperty("errors");
        Assert.True(errors.TryGetProperty("disposition", out _) && errors.TryGetProperty("durationSeconds", out _), errors.ToString());
        await ErrorFormatTests.AssertProblemAsync(
            await tenant.SendAsync(HttpMethod.Post, $"/api/v1/contacts/{Guid.CreateVersion7()}/calls", new { disposition = "answered" }), HttpStatusCode.NotFound, "not_found");

        // An agent sees only their own contacts: another's is not found for them, and nothing is logged on it.
        var (_, agentToken, _) = await tenant.AddUserAsync("agent", $"agent@{tenant.Slug}.test");
        await ErrorFormatTests.AssertProblemAsync(
            await tenant.SendAsync(HttpMethod.Post, $"/api/v1/contacts/{contactId}/calls", new { disposition = "answered" }, token: agentToken), HttpStatusCode.NotFound, "not_found");
        Assert.Single((await tenant.GetJsonAsync($"/api/v1/activities?subjectId={contactId}")).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task BadContactsAndCompaniesAreRefusedFieldByField()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        var contact = await tenant.SendAsync(HttpMethod.Post, "/api/v1/contacts", new { firstName = "", emails = new[] { "nope" }, phones = new[] { "123" } });
        var errors = (await ErrorFormatTests.AssertProblemAsync(contact, HttpStatusCode.BadRequest, "validation_failed")).GetProperty("errors");
        foreach (var field in new[] { "firstName", "emails[0]", "phones[0]" })
        {
            Assert.True(errors.TryGetProperty(field, out _), $"no message for {field}: {errors}");
        }

        await ErrorFormatTests.AssertProblemAsync(
            await tenant.SendAsync(HttpMethod.Post, "/api/v1/contacts", new { firstName = "Lone", companyId = Guid.CreateVersion7() }), HttpStatusCode.BadRequest, "validation_failed");
        await ErrorFormatTests.AssertProblemAsync(
            await tenant.SendAsync(HttpMethod.Post, "/api/v1/companies", new { name = "X", domain = "not a domain!" }), HttpStatusCode.BadRequest, "validation_failed");
        await ErrorFormatTests.AssertProblemAsync(
            await tenant.SendAsync(HttpMethod.Post, "/api/v1/contacts", new { firstName = "Ghost", phones = new string?[] { null } }), HttpStatusCode.BadRequest, "validation_failed");
    }

    [Theory]
    [InlineData("contacts", new[] { "firstName", "lastName", "emails", "phones", "ownerId" })]
    [InlineData("companies", new[] { "name", "ownerId" })]
    public async Task APatchSettingARequiredFieldToNullIsRefusedAndChangesNothing(string route, string[] fields)
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        object body = route == "contacts" ? new { firstName = "Rania", lastName = "Saleh", emails = new[] { "rania@example.test" } } : new { name = "Gulf Holdings" };
        var id = (await tenant.SendJsonAsync(HttpMethod.Post, $"/api/v1/{route}", body, HttpStatusCode.Created)).GetProperty("id").GetGuid();

        await tenant.AssertNullIsRefusedAsync($"/api/v1/{route}/{id}", fields);
    }

    [Fact]
    public async Task AgentsSeeAndChangeOnlyTheirOwnContacts()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        var (agent, agentToken, _) = await tenant.AddUserAsync("agent", "agent@example.test");
        var mine = (await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/contacts", new { firstName = "Mine" }, HttpStatusCode.Created, agentToken)).GetProperty("id").GetGuid();
        var theirs = (await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/contacts", new { firstName = "Theirs" }, HttpStatusCode.Created)).GetProperty("id").GetGuid();

        Assert.Equal([mine], (await tenant.GetJsonAsync("/api/v1/contacts", agentToken)).GetProperty("items").EnumerateArray().Select(c => c.GetProperty("id").GetGuid()));
        Assert.Equal(2, (await tenant.GetJsonAsync("/api/v1/contacts")).GetProperty("items").GetArrayLength());
        await ErrorFormatTests.AssertProblemAsync(await tenant.SendAsync(HttpMethod.Get, $"/api/v1/contacts/{theirs}", token: agentToken), HttpStatusCode.NotFound, "not_found");
        await ErrorFormatTests.AssertProblemAsync(await tenant.SendAsync(HttpMethod.Patch, $"/api/v1/contacts/{theirs}", new { firstName = "Taken" }, agentToken), HttpStatusCode.NotFound, "not_found");
        await ErrorFormatTests.AssertProblemAsync(await tenant.SendAsync(HttpMethod.Patch, $"/api/v1/contacts/{mine}", new { ownerId = tenant.UserId }, agentToken), HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal("Renamed", (await tenant.SendJsonAsync(HttpMethod.Patch, $"/api/v1/contacts/{mine}", new { firstName = "Renamed" }, HttpStatusCode.OK, agentToken)).GetProperty("firstName").GetString());
        Assert.NotEqual(agent, tenant.UserId);
    }
}
