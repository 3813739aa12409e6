namespace M3CoreCRM.ApiHost.Reports;

/// <summary>How a column's values read: words, whole numbers, amounts, percentages, or dates.</summary>
public enum ReportColumnKind
{
    Text,
    Count,
    Amount,
    Percent,
    Date,
}

public sealed record ReportColumn(string Key, string Title, ReportColumnKind Kind);

/// <summary>The filters a report ran with, as given (or defaulted).</summary>
public sealed record ReportFilters(DateTime? From, DateTime? To, Guid? OwnerId, Guid? GroupId, Guid? ProjectId, Guid? PipelineId);

/// <summary>
/// A report's figures as a table (one value per column in each row), its totals, and which columns its chart
/// draws: bars of <paramref name="ChartValue"/> per <paramref name="ChartLabel"/>, summed over rows of the same label.
/// </summary>
public sealed record Report(
    string Name, string Title, string TenantName, ReportFilters Filters, IReadOnlyList<ReportColumn> Columns, IReadOnlyList<object?[]> Rows,
    IReadOnlyDictionary<string, object?> Totals, string ChartLabel, string ChartValue, DateTime GeneratedAt)
{
    /// <summary>The chart's bars, in the order their labels first appear.</summary>
    public IReadOnlyList<(string Label, decimal Value)> ChartBars()
    {
        var labelAt = Columns.ToList().FindIndex(c => c.Key == ChartLabel);
        var valueAt = Columns.ToList().FindIndex(c => c.Key == ChartValue);
        var bars = new List<(string Label, decimal Value)>();
        foreach (var row in Rows)
        {
            var label = Convert.ToString(row[labelAt], System.Globalization.CultureInfo.InvariantCulture) ?? "";
            var value = row[valueAt] is { } v ? Convert.ToDecimal(v, System.Globalization.CultureInfo.InvariantCulture) : 0m;
            var index = bars.FindIndex(b => b.Label == label);
            if (index < 0)
            {
                bars.Add((label, value));
            }
            else
            {
                bars[index] = (label, bars[index].Value + value);
            }
        }

        return bars;
    }
}
