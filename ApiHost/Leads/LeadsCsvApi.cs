using System.Globalization;
using System.Text;
using CsvHelper;
using M3CoreCRM.ApiHost.Conventions;
using M3CoreCRM.ApiHost.Identity;
using M3CoreCRM.ApiHost.Inventory;
using M3CoreCRM.Grains.Abstractions.Identity;
using M3CoreCRM.Grains.Abstractions.Leads;
using M3CoreCRM.Grains.Abstractions.Errors;
using M3CoreCRM.Grains.Abstractions.Tenancy;
using M3CoreCRM.Grains.Persistence;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace M3CoreCRM.ApiHost.Leads;

public sealed record ImportRowProblem(int Row, string Message);

/// <summary>
/// An import's outcome: counts of rows imported, skipped (already a lead, or earlier in the file) and in
/// error, and the first 1,000 of each kind by line number (line 1 is the header).
/// </summary>
public sealed record ImportReport(int Imported, int Skipped, IReadOnlyList<ImportRowProblem> Errors, IReadOnlyList<ImportRowProblem> SkippedRows, IReadOnlyList<string> IgnoredColumns)
{
    public int ErrorCount { get; init; }
}

/// <summary>
/// CSV in and out. Import reads the upload as it arrives (CsvHelper over the request stream), checks
/// each row as a <c>POST /leads</c> would, and creates each good row as its own lead (one grain write:
/// a row is imported whole or not at all). Export streams the filtered list page by page.
/// </summary>
public static class LeadsCsvApi
{
    public const long MaxImportBytes = 20 * 1024 * 1024;
    private const int ImportConcurrency = 8;

    /// <summary>The longest row imported, in bytes of UTF-8; a longer row is an error of its own in the report.</summary>
    private const int MaxRowBytes = 64 * 1024;

    /// <summary>The longest record the CSV reader reads at all: past it (an unclosed quote, say), the rest of the upload cannot be read.</summary>
    private const int ReaderLimit = 1024 * 1024;

    /// <summary>Rows described one by one in a report; past this, rows are still counted.</summary>
    private const int MaxReportedRows = 1000;
    private const int ExportPage = 1000;

    private static readonly string[] Columns = ["name", "phone", "email", "source", "status", "ownerId", "groupId", "tags", "notes", "budgetAmount", "budgetCurrency"];

    public static IEndpointRouteBuilder MapLeadsCsvApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapTenantGroup("/api/v1/leads", "Leads");
        group.MapPost("/import", ImportAsync).WithName("ImportLeads").WithSummary("Import leads from CSV").RequirePermission(Permissions.LeadsImport)
            .WithMetadata(new RequestSizeLimitAttribute(MaxImportBytes))
            .Accepts<string>("text/csv")
            .WithDescription("""
                A text/csv body (up to 20 MiB) with a header row. Columns (any order, any case): name, phone, email, source,
                status, ownerId, groupId, tags (separated by ;), notes, budgetAmount, budgetCurrency; others are ignored and named
                in the report. Each row is checked as POST /leads would check it and created whole or not at all. Rows whose
                phone or email is already on an open lead, or on an earlier row, are skipped. Rows past the plan's lead limit
                are refused and listed in the report's errors.
                """);
        group.MapGet("/export.csv", ExportAsync).WithName("ExportLeads").WithSummary("Export leads as CSV").RequirePermission(Permissions.LeadsExport)
            .Produces<string>(StatusCodes.Status200OK, "text/csv")
            .WithDescription("The leads that GET /leads would list with the same filters, within the caller's scope of leads.export too, as CSV, streamed.");
        return endpoints;
    }

    private static async Task<Ok<ImportReport>> ImportAsync(HttpRequest request, Caller caller, IGrainFactory grains, LeadQueries leads, CancellationToken cancellationToken)
    {
        if (request.ContentType is not { } contentType || !contentType.StartsWith("text/csv", StringComparison.OrdinalIgnoreCase))
        {
            throw DomainException.Invalid("body", "Send the leads as text/csv.");
        }

        var catalog = await grains.GetGrain<ILeadCatalogGrain>(caller.TenantId, caller.TenantId).GetAsync();
        var report = new ImportTally();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var owners = new Dictionary<(Guid Owner, Guid? Group), string?>();
        var inFlight = new List<Task>();
        using var gate = new SemaphoreSlim(ImportConcurrency);

        // An importer's rows may go only to owners within both their import scope and their write (or assign) scope.
        var ownerScope = Narrower(caller.ScopeOf(Permissions.LeadsImport), Ownership.WidestOf(caller, Permissions.LeadsWrite, Permissions.LeadsAssign));

        // Comma separated (not guessed: tags use ;), whitespace trimmed, lines counted so that rows are numbered as a
        // spreadsheet shows them. A row over MaxRowBytes is an error of its own row; the reader gives up only on a
        // record over ReaderLimit (an unclosed quote cannot swallow the upload).
        await using var csv = CsvReader.Create(request.Body, new CsvReaderOptions { Separator = ',', TrimWhitespace = true, MaxRecordSize = ReaderLimit, TrackLineNumbers = true }, leaveOpen: true);
        List<string> ignored;
        try
        {
            await csv.ReadHeaderAsync(cancellationToken);
            var names = csv.Headers.Select(h => h.Trim()).ToList();
            var index = Columns.ToDictionary(c => c, c => csv.TryGetFieldIndex(c, out var i) ? i : -1, StringComparer.Ordinal);
            if (index["name"] < 0)
            {
                throw DomainException.Invalid("body", $"The header row needs a name column; known columns: {string.Join(", ", Columns)}.");
            }

            ignored = names.Where(n => !Columns.Contains(n, StringComparer.OrdinalIgnoreCase)).ToList();
            while (await csv.ReadAsync(cancellationToken))
            {
                var row = (int)csv.LineNumber;
                if (RowProblem(csv) is { } problem)
                {
                    report.Error(row, problem);
                    continue;
                }

                string? Field(string name) => index[name] >= 0 && csv.GetStringOrNull(index[name]) is { Length: > 0 } value ? value : null;
                LeadFields fields;
                try
                {
                    var ownerId = Field("ownerId") is { } owner ? Guid.TryParse(owner, out var id) ? id : throw DomainException.Invalid("ownerId", "Not an id.") : caller.UserId;
                    var groupId = Field("groupId") is { } groupText ? Guid.TryParse(groupText, out var gid) ? gid : throw DomainException.Invalid("groupId", "Not an id.") : (Guid?)null;
                    var amount = Field("budgetAmount") is { } amountText
                        ? decimal.TryParse(amountText, NumberStyles.Number, CultureInfo.InvariantCulture, out var parsed) ? parsed : throw DomainException.Invalid("budgetAmount", "Not a number.")
                        : (decimal?)null;
                    fields = LeadsApi.Validate(
                        new SaveLeadRequest(Field("name"), Field("phone"), Field("email"), Field("source"), Field("status"), ownerId, groupId,
                            amount is null && Field("budgetCurrency") is null ? null : new MoneyRequest(amount, Field("budgetCurrency")),
                            null, Field("tags")?.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries), Field("notes")),
                        catalog,
                        null);
                    if (!owners.TryGetValue((ownerId, groupId), out var refusal))
                    {
                        try
                        {
                            await Ownership.EnsureMayOwnAsync(leads, caller, ownerId, groupId, ownerScope, cancellationToken);
                        }
                        catch (DomainException exception)
                        {
                            refusal = Describe(exception);
                        }

                        owners[(ownerId, groupId)] = refusal;
                    }

                    if (refusal is not null)
                    {
                        report.Error(row, refusal);
                        continue;
                    }
                }
                catch (DomainException exception)
                {
                    report.Error(row, Describe(exception));
                    continue;
                }

                // The same person twice in one file: the first row wins.
                var keys = new[] { fields.Phone, fields.Email }.OfType<string>().ToList();
                if (keys.FirstOrDefault(seen.ContainsKey) is { } repeated)
                {
                    report.Skip(row, $"Same phone or email as row {seen[repeated]}.");
                    continue;
                }

                foreach (var key in keys)
                {
                    seen[key] = row;
                }

                await gate.WaitAsync(cancellationToken);
                inFlight.Add(CreateAsync(row, fields));
                inFlight.RemoveAll(task => task.IsCompleted);
            }
        }
        catch (CsvFormatException exception)
        {
            throw DomainException.Invalid("body", $"The CSV cannot be read past line {csv.LineNumber}: {exception.Message}");
        }
        finally
        {
            // Whatever ended the loop, no row is left half done behind the response.
            await Task.WhenAll(inFlight);
        }

        return TypedResults.Ok(report.Report(ignored));

        async Task CreateAsync(int row, LeadFields fields)
        {
            try
            {
                if (await leads.DuplicateOfAsync(caller.TenantId, fields.Phone, fields.Email, null, cancellationToken) is { } existing)
                {
                    report.Skip(row, $"An open lead already has this phone or email ({existing}).");
                    return;
                }

                await grains.GetGrain<ILeadGrain>(caller.TenantId, Guid.CreateVersion7()).CreateAsync(new CreateLead(fields, false));
                report.Imported();
            }
            catch (DomainException exception) when (exception.Code == "duplicate_lead")
            {
                report.Skip(row, "An open lead already has this phone or email.");
            }
            catch (DomainException exception)
            {
                report.Error(row, Describe(exception));
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // Storage trouble for this row: it was not imported, and the report says so; the others go on.
                report.Error(row, "This row could not be saved just now; import it again.");
            }
            finally
            {
                gate.Release();
            }
        }
    }

    /// <summary>What makes a row unfit before its fields are looked at: PostgreSQL stores no NUL in text, and rows have a size limit.</summary>
    private static string? RowProblem(CsvReader csv)
    {
        var raw = csv.RawRecord;
        return raw.Length > MaxRowBytes ? "The row is longer than 64 KiB."
            : raw.Contains((byte)0) ? "The row contains a NUL character."
            : null;
    }

    private static PermissionScope? Narrower(PermissionScope? a, PermissionScope? b) => a is null || b is null ? null : a < b ? a : b;

    /// <summary>What an import did, row by row, safe to add to from the rows being created in parallel.</summary>
    private sealed class ImportTally
    {
        private readonly List<ImportRowProblem> _errors = [];
        private readonly List<ImportRowProblem> _skipped = [];
        private int _imported;
        private int _errorCount;
        private int _skippedCount;

        public void Imported() => Interlocked.Increment(ref _imported);

        public void Error(int row, string message) => Add(_errors, ref _errorCount, new ImportRowProblem(row, message));

        public void Skip(int row, string message) => Add(_skipped, ref _skippedCount, new ImportRowProblem(row, message));

        public ImportReport Report(IReadOnlyList<string> ignoredColumns)
        {
            lock (this)
            {
                return new ImportReport(_imported, _skippedCount, [.. _errors.OrderBy(e => e.Row)], [.. _skipped.OrderBy(s => s.Row)], ignoredColumns)
                {
                    ErrorCount = _errorCount,
                };
            }
        }

        private void Add(List<ImportRowProblem> problems, ref int count, ImportRowProblem problem)
        {
            lock (this)
            {
                count++;
                if (problems.Count < MaxReportedRows)
                {
                    problems.Add(problem);
                }
            }
        }
    }

    private static string Describe(DomainException exception) =>
        exception.Errors is { Count: > 0 } errors
            ? string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}"))
            : exception.Message;

    private static async Task ExportAsync(
        HttpContext context, Caller caller, NpgsqlDataSource db, [AsParameters] LeadFilter filter, CancellationToken cancellationToken)
    {
        // Page by page in creation order (keyset), so that memory stays flat however many leads there are. The first
        // page is read before anything is written, so a filter the database refuses is answered with a problem, not
        // with a file cut short.
        var page = await ReadExportPageAsync(db, caller, filter, after: null, cancellationToken);
        context.Response.ContentType = "text/csv; charset=utf-8";
        context.Response.Headers.ContentDisposition = "attachment; filename=\"leads.csv\"";
        await using var csv = CsvWriter.Create(context.Response.Body, new CsvWriterOptions(), leaveOpen: true);
        csv.WriteHeader(["id", "name", "phone", "email", "source", "status", "statusCategory", "ownerId", "groupId", "tags", "notes", "budgetAmount", "budgetCurrency", "createdAt", "updatedAt"]);
        while (true)
        {
            foreach (var (lead, _) in page)
            {
                await csv.WriteRecordAsync(Fields(lead), cancellationToken);
            }

            await csv.FlushAsync(cancellationToken);
            if (page.Count < ExportPage)
            {
                break;
            }

            page = await ReadExportPageAsync(db, caller, filter, (page[^1].CreatedAt, page[^1].Lead.Id), cancellationToken);
        }
    }

    /// <summary>
    /// One page of the export after <paramref name="after"/>, read whole before it is written, so that a slow client
    /// never holds a database connection.
    /// </summary>
    private static async Task<List<(LeadInfo Lead, DateTime CreatedAt)>> ReadExportPageAsync(
        NpgsqlDataSource db, Caller caller, LeadFilter filter, (DateTime CreatedAt, Guid Id)? after, CancellationToken cancellationToken)
    {
        await using var batch = db.ForTenant(caller.TenantId);
        var command = batch.Add("");
        var where = new SqlConditions(command);
        where.Where($"l.tenant_id = {where.Param(caller.TenantId)} AND NOT l.deleted")
            .Where(ScopeFilter.Condition(caller, Permissions.LeadsRead, "l.owner_id", command))
            .Where(ScopeFilter.Condition(caller, Permissions.LeadsExport, "l.owner_id", command));
        filter.Apply(where);
        if (after is { } last)
        {
            where.Where($"(l.created_at, l.id) > ({where.Param(last.CreatedAt)}, {where.Param(last.Id)})");
        }

        command.CommandText = $"SELECT l.id, l.state::text, l.version, l.created_at FROM leads l WHERE {where} ORDER BY l.created_at, l.id LIMIT {where.Param(ExportPage)}";
        var page = new List<(LeadInfo, DateTime)>(ExportPage);
        await using var reader = await batch.ReadAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            page.Add((LeadQueries.FromRow(reader), reader.GetFieldValue<DateTime>(3)));
        }

        return page;
    }

    private static string[] Fields(LeadInfo lead) =>
    [
        lead.Id.ToString(),
        CsvText.Safe(lead.Name) ?? "",
        lead.Phone ?? "",
        CsvText.Safe(lead.Email) ?? "",
        lead.Source,
        lead.Status,
        lead.StatusCategory.ToString().ToLowerInvariant(),
        lead.OwnerId?.ToString() ?? "",
        lead.GroupId?.ToString() ?? "",
        CsvText.Safe(string.Join(';', lead.Tags)) ?? "",
        CsvText.Safe(lead.Notes) ?? "",
        lead.Budget?.Amount.ToString(CultureInfo.InvariantCulture) ?? "",
        lead.Budget?.Currency ?? "",
        lead.CreatedAt.ToString("O", CultureInfo.InvariantCulture),
        lead.UpdatedAt.ToString("O", CultureInfo.InvariantCulture),
    ];
}
