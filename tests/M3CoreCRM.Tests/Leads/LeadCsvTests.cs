using System.Net;
using System.Net.Http.Headers;
using System.Text;
using CsvHelper;
using M3CoreCRM.Tests.Api;
using M3CoreCRM.Tests.Identity;
using M3CoreCRM.Tests.Infrastructure;

namespace M3CoreCRM.Tests.Leads;

[Collection(PostgresCollection.Name)]
public sealed class LeadCsvTests(PostgresFixture postgres) : ApiTestBase(postgres)
{
    [Fact]
    public async Task AnImportCreatesTheGoodRowsSkipsDuplicatesAndReportsTheRestRowByRow()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        var existing = await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/leads", new { name = "Already here", phone = "+971501000001", source = "web" }, HttpStatusCode.Created);
        var csv = """
            Name,Phone,Email,Source,Status,Tags,Notes,BudgetAmount,BudgetCurrency,Favourite colour
            Nadia Karim,+971 50 200 0001,nadia@example.test,web,contacted,vip;marina,"Called twice, prefers mornings",950000,AED,blue
            "Haddad, Sami",00971502000002,,referral,,,,,,green
            Same Phone,+971501000001,,web,,,,,,red
            Nadia Again,,NADIA@example.test,web,,,,,,red
            Bad Phone,12345,,web,,,,,,
            Bad Source,+971502000003,,carrier_pigeon,,,,,,
            Bad Budget,+971502000004,,web,,,,lots,AED,
            """;

        var report = await ImportAsync(tenant, csv, HttpStatusCode.OK);

        Assert.Equal(2, report.GetProperty("imported").GetInt32());
        Assert.Equal(2, report.GetProperty("skipped").GetInt32());
        Assert.Equal([4, 5], report.GetProperty("skippedRows").EnumerateArray().Select(r => r.GetProperty("row").GetInt32()));
        Assert.Contains(existing.GetProperty("id").GetGuid().ToString(), report.GetProperty("skippedRows")[0].GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Contains("row 2", report.GetProperty("skippedRows")[1].GetProperty("message").GetString(), StringComparison.Ordinal);
        var errors = report.GetProperty("errors").EnumerateArray().ToList();
        Assert.Equal([6, 7, 8], errors.Select(e => e.GetProperty("row").GetInt32()));
        Assert.StartsWith("phone", errors[0].GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("source", errors[1].GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("budgetAmount", errors[2].GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(["Favourite colour"], report.GetProperty("ignoredColumns").EnumerateArray().Select(c => c.GetString()));

        var leads = await tenant.AllLeadsAsync();
        Assert.Equal(["Already here", "Haddad, Sami", "Nadia Karim"], leads.Select(l => l.GetProperty("name").GetString()).Order(StringComparer.Ordinal));
        var nadia = leads.Single(l => l.GetProperty("name").GetString() == "Nadia Karim");
        Assert.Equal("+971502000001", nadia.GetProperty("phone").GetString());
        Assert.Equal("contacted", nadia.GetProperty("status").GetString());
        Assert.Equal(["vip", "marina"], nadia.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(950000m, nadia.GetProperty("budget").GetProperty("amount").GetDecimal());
        Assert.Equal("Called twice, prefers mornings", nadia.GetProperty("notes").GetString());
    }

    [Fact]
    public async Task ARowWithANulCharacterOrOver64KiBIsReportedAsInvalidAndTheOthersAreImported()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        var csv = $"name,phone,source,notes\nGood One,+971503000001,web,fine\nNul Row,+971503000002,web,a\0b\nLong Row,+971503000003,web,{new string('x', 70 * 1024)}\nGood Two,+971503000004,web,fine\n";

        var report = await ImportAsync(tenant, csv, HttpStatusCode.OK);

        Assert.True(report.GetProperty("imported").GetInt32() == 2, report.ToString());
        var errors = report.GetProperty("errors").EnumerateArray().ToList();
        Assert.Equal([3, 4], errors.Select(e => e.GetProperty("row").GetInt32()));
        Assert.Equal("The row contains a NUL character.", errors[0].GetProperty("message").GetString());
        Assert.Equal("The row is longer than 64 KiB.", errors[1].GetProperty("message").GetString());
        Assert.Equal(["Good One", "Good Two"], (await tenant.AllLeadsAsync()).Select(l => l.GetProperty("name").GetString()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task AThousandRowImportLandsEveryRow()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        var csv = new StringBuilder("name,phone,email,source\n");
        for (var i = 0; i < 1000; i++)
        {
            csv.Append($"Bulk {i},+9715{i:D8},bulk{i}@example.test,import\n");
        }

        var report = await ImportAsync(tenant, csv.ToString(), HttpStatusCode.OK);

        Assert.Equal(1000, report.GetProperty("imported").GetInt32());
        Assert.Empty(report.GetProperty("errors").EnumerateArray());
        Assert.Equal(1000, (await tenant.AllLeadsAsync("&source=import")).Count);
    }

    [Fact]
    public async Task AManagersImportGivesLeadsOnlyToTheirGroups()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        var (manager, managerToken, _) = await tenant.AddUserAsync("sales_manager", "manager@example.test");
        var (teammate, _, _) = await tenant.AddUserAsync("agent", "mate@example.test");
        var (stranger, _, _) = await tenant.AddUserAsync("agent", "stranger@example.test");
        await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/groups", new { name = "Team", memberIds = new[] { manager, teammate } }, HttpStatusCode.Created);

        var report = await ImportAsync(tenant, $"name,phone,source,ownerId\nFor mate,+971504440001,web,{teammate}\n\nFor stranger,+971504440002,web,{stranger}\n", HttpStatusCode.OK, managerToken);

        Assert.Equal(1, report.GetProperty("imported").GetInt32());
        var refused = Assert.Single(report.GetProperty("errors").EnumerateArray());
        Assert.Equal(4, refused.GetProperty("row").GetInt32());
        Assert.Equal(teammate, Assert.Single(await tenant.AllLeadsAsync()).GetProperty("ownerId").GetGuid());
    }

    [Fact]
    public async Task AnImportNeedsCsvWithANameColumnAndThePermission()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        await ErrorFormatTests.AssertProblemAsync(await tenant.SendAsync(HttpMethod.Post, "/api/v1/leads/import", new { name = "json" }), HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
        await ImportAsync(tenant, "phone,email\n+971501234567,a@example.test\n", HttpStatusCode.BadRequest);
        var (_, agentToken, _) = await tenant.AddUserAsync("agent", "agent@example.test");
        await ImportAsync(tenant, "name\nX\n", HttpStatusCode.Forbidden, agentToken);
        Assert.Empty(await tenant.AllLeadsAsync());
    }

    [Fact]
    public async Task AnExportStreamsTheFilteredListAsCsvWithFormulasDefused()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/leads", new { name = "=HYPERLINK(\"http://evil\")", phone = "+971503000001", source = "web", tags = new[] { "vip" } }, HttpStatusCode.Created);
        await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/leads", new { name = "Plain, Name", email = "plain@example.test", source = "web", notes = "Line one\nline two" }, HttpStatusCode.Created);
        await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/leads", new { name = "Referred", phone = "+971503000003", source = "referral" }, HttpStatusCode.Created);

        var response = await tenant.SendAsync(HttpMethod.Get, "/api/v1/leads/export.csv?source=web");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        await using var body = await response.Content.ReadAsStreamAsync();
        await using var csv = CsvReader.Create(body, new CsvReaderOptions(), leaveOpen: false);
        var rows = new List<(string Name, string Phone, string Tags, string Notes)>();
        while (await csv.ReadAsync())
        {
            rows.Add((csv.GetString("name"), csv.GetString("phone"), csv.GetString("tags"), csv.GetString("notes")));
        }

        Assert.Equal(2, rows.Count);
        Assert.Equal("'=HYPERLINK(\"http://evil\")", rows[0].Name);
        Assert.Equal("+971503000001", rows[0].Phone);
        Assert.Equal("vip", rows[0].Tags);
        Assert.Equal("Plain, Name", rows[1].Name);
        Assert.Equal("Line one\nline two", rows[1].Notes);
    }

    [Fact]
    public async Task AnExportWhoseFilterTheDatabaseRefusesIsAProblemNotAFileCutShort()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        await tenant.LeadIdAsync();

        // PostgreSQL refuses a NUL in text: the answer says so before any CSV is written.
        var response = await tenant.SendAsync(HttpMethod.Get, "/api/v1/leads/export.csv?q=%00");

        await ErrorFormatTests.AssertProblemAsync(response, HttpStatusCode.BadRequest, "validation_failed");
    }

    private static async Task<System.Text.Json.JsonElement> ImportAsync(TenantSession tenant, string csv, HttpStatusCode expected, string? token = null)
    {
        var request = tenant.Request(HttpMethod.Post, "/api/v1/leads/import", token: token);
        request.Content = new StringContent(csv, Encoding.UTF8);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        var response = await tenant.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"import: expected {(int)expected}, got {(int)response.StatusCode} {text}");
        return System.Text.Json.JsonDocument.Parse(text).RootElement.Clone();
    }
}
