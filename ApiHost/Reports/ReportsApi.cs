using System.Globalization;
using System.Text;
using M3CoreCRM.ApiHost.Conventions;
using M3CoreCRM.ApiHost.Errors;
using M3CoreCRM.ApiHost.Identity;
using M3CoreCRM.Grains.Abstractions.Identity;
using M3CoreCRM.Grains.Abstractions.Errors;

namespace M3CoreCRM.ApiHost.Reports;

/// <summary>A report as JSON: each row an object keyed by column.</summary>
public sealed record ReportView(
    string Report, string Title, string Tenant, ReportFilters Filters, IReadOnlyList<ReportColumn> Columns, IReadOnlyList<Dictionary<string, object?>> Rows,
    IReadOnlyDictionary<string, object?> Totals, ReportChart Chart, DateTime GeneratedAt)
{
    public static ReportView Of(Report report) => new(report.Name, report.Title, report.TenantName, report.Filters, report.Columns,
        [.. report.Rows.Select(row => report.Columns.Select((c, i) => (c.Key, Value: row[i])).ToDictionary(p => p.Key, p => p.Value))],
        report.Totals, new ReportChart(report.ChartLabel, report.ChartValue), report.GeneratedAt);
}

/// <summary>Which columns the report's chart draws: bars of <paramref name="Value"/> per <paramref name="Label"/>.</summary>
public sealed record ReportChart(string Label, string Value);

/// <summary>Reports over the tenant's records, within the caller's scope of <c>reports.read</c>; as JSON, CSV or a one-page PDF.</summary>
public static class ReportsApi
{
    private const int DefaultActivityDays = 30;
    private const int MinYear = 1900, MaxYear = 9998;
    private const int MaxActivityDays = 366;

    public static IServiceCollection AddApiReports(this IServiceCollection services, IConfiguration configuration)
    {
        ReportFontResolver.Configure(configuration["Reports:FontDirectory"]);
        return services.AddSingleton<ReportQueries>().AddSingleton<ReportAnswers>();
    }

    public static RouteGroupBuilder MapReportsApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapTenantGroup("/api/v1/reports", "Reports");
        group.MapGet("/{name}", ReportAsync).WithName("GetReport").WithSummary("Run a report").RequirePermission(Permissions.ReportsRead)
            .Produces<ReportView>(StatusCodes.Status200OK, "application/json", "text/csv", "application/pdf")
            .WithDescription("""
                name: pipeline (open deals' count, value and weighted value by pipeline stage; pipelineId filter), funnel (leads by status with share and conversions),
                agents (per active user: calls by outcome, conversions, deals won and their value), inventory (units and list value by project, type and status; needs inventory.read;
                projectId filter), activity (activities per day in the tenant's time zone, by type; from/to default to the last 30 days, at most 366).
                Filters: from, to (on when records were created, calls made, leads converted, deals closed; dates of the years 1900 to 9998), ownerId, groupId (its members' records).
                Figures count only records within the caller's scope of reports.read: an agent with own scope sees their own numbers.
                The JSON answers of pipeline, funnel, agents and inventory are kept for the dashboards and served again while no event has changed them (for at most
                2 minutes, which bounds changes that come without an event); generatedAt says when the figures were counted.
                format=csv (or Accept: text/csv) streams the table as CSV; format=pdf (or Accept: application/pdf) renders one A4 page with the tenant's name, the filters, the table and a bar chart.
                """);
        return group;
    }

    private static async Task<IResult> ReportAsync(
        string name, Caller caller, ReportQueries reports, ReportAnswers answers, HttpRequest request, DateTime? from, DateTime? to, Guid? ownerId, Guid? groupId, Guid? projectId, Guid? pipelineId, string? format,
        CancellationToken cancellationToken)
    {
        if (!ReportQueries.Names.Contains(name))
        {
            throw DomainException.NotFound($"The report '{name}'");
        }

        if (name == "inventory" && !caller.Can(Permissions.InventoryRead))
        {
            throw new DomainException(DomainErrorKind.Forbidden, "forbidden", "The inventory report needs the permission 'inventory.read'.");
        }

        var accept = request.Headers.Accept.ToString();
        format ??= accept.Contains("text/csv", StringComparison.OrdinalIgnoreCase) ? "csv" : accept.Contains("application/pdf", StringComparison.OrdinalIgnoreCase) ? "pdf" : "json";
        var start = from?.ToUniversalTime();
        var end = to?.ToUniversalTime();
        // Checked before any date arithmetic: a default period counted back from year 1 does not exist.
        new Validation()
            .Check(start is null || start.Value.Year is >= MinYear and <= MaxYear, "from", $"A date from the year {MinYear} to {MaxYear}.")
            .Check(end is null || end.Value.Year is >= MinYear and <= MaxYear, "to", $"A date from the year {MinYear} to {MaxYear}.")
            .ThrowIfInvalid();
        if (name == "activity")
        {
            end ??= DateTime.UtcNow;
            start ??= end.Value.AddDays(-DefaultActivityDays);
        }

        new Validation()
            .Check(format is "json" or "csv" or "pdf", "format", "json, csv or pdf.")
            .Check(start is null || end is null || start < end, "from", "Before to.")
            .Check(name != "activity" || (end - start)!.Value.TotalDays <= MaxActivityDays, "from", $"The activity report covers at most {MaxActivityDays} days.")
            .ThrowIfInvalid();

        var filters = new ReportFilters(start, end, ownerId, groupId, projectId, pipelineId);
        if (format == "json" && ReportAnswers.Kept.Contains(name))
        {
            return TypedResults.Text(await answers.JsonAsync(name, caller, filters, cancellationToken), "application/json", Encoding.UTF8);
        }

        var report = await reports.RunAsync(name, caller, filters, cancellationToken);
        var file = $"{name}-{report.GeneratedAt.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}";
        switch (format)
        {
            case "csv":
                using (var csv = new MemoryStream())
                {
                    await ReportRendering.WriteCsvAsync(report, csv, cancellationToken);
                    return TypedResults.File(csv.ToArray(), "text/csv; charset=utf-8", file + ".csv");
                }

            case "pdf":
                if (!ReportRendering.PdfAvailable)
                {
                    return TypedResults.Problem(new() { Status = StatusCodes.Status503ServiceUnavailable, Title = "Service Unavailable", Detail = "PDF rendering is not available on this server (its font, DejaVu Sans, was not found).", Extensions = { ["code"] = ProblemCodes.Unavailable } });
                }

                return TypedResults.File(ReportRendering.RenderPdf(report), "application/pdf", file + ".pdf");

            default:
                return TypedResults.Ok(ReportView.Of(report));
        }
    }
}
