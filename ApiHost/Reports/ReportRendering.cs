using System.Globalization;
using CsvHelper;
using M3CoreCRM.ApiHost.Conventions;
using PdfSharp;
using PdfSharp.Drawing;
using PdfSharp.Fonts;
using PdfSharp.Pdf;

namespace M3CoreCRM.ApiHost.Reports;

/// <summary>A report as CSV (the whole table) and as a one-page PDF (heading, filters, table, bar chart).</summary>
public static class ReportRendering
{
    private const double Margin = 36;
    private const int MaxPdfRows = 16;
    private const int MaxBars = 12;

    public static string Cell(object? value) => value switch
    {
        null => "",
        DateOnly day => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTime at => at.ToString("O", CultureInfo.InvariantCulture),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    public static async Task WriteCsvAsync(Report report, System.IO.Stream body, CancellationToken cancellationToken)
    {
        await using var csv = CsvWriter.Create(body, new CsvWriterOptions(), leaveOpen: true);
        csv.WriteHeader([.. report.Columns.Select(c => c.Key)]);
        foreach (var row in report.Rows)
        {
            await csv.WriteRecordAsync([.. row.Select((value, i) => report.Columns[i].Kind == ReportColumnKind.Text ? CsvText.Safe(Cell(value)) ?? "" : Cell(value))], cancellationToken);
        }

        await csv.FlushAsync(cancellationToken);
    }

    /// <summary>Whether the PDF's font (DejaVu Sans) was found on this machine.</summary>
    public static bool PdfAvailable => ReportFontResolver.Instance.Available;

    public static byte[] RenderPdf(Report report)
    {
        ReportFontResolver.EnsureInstalled();
        var heading = $"{report.TenantName} · {report.Title}";
        var filters = Filters(report);
        var columns = report.Columns.Select((c, i) => (Column: c, Index: i)).Where(c => !c.Column.Key.EndsWith("Id", StringComparison.Ordinal)).ToList();
        var rows = report.Rows.Take(MaxPdfRows).ToList();
        var bars = report.ChartBars().Take(MaxBars).ToList();
        var texts = new[] { heading, filters }.Concat(columns.Select(c => c.Column.Title)).Concat(rows.SelectMany(r => r.Select(Cell))).Concat(bars.Select(b => b.Label));

        // Latin text goes in as WinAnsi (plain strings in the page); anything else as Unicode.
        var options = new XPdfFontOptions(texts.All(t => t.All(ch => ch < 256)) ? PdfFontEncoding.WinAnsi : PdfFontEncoding.Unicode);
        var title = new XFont(ReportFontResolver.Family, 15, XFontStyleEx.Bold, options);
        var bold = new XFont(ReportFontResolver.Family, 8, XFontStyleEx.Bold, options);
        var regular = new XFont(ReportFontResolver.Family, 8, XFontStyleEx.Regular, options);
        var small = new XFont(ReportFontResolver.Family, 7, XFontStyleEx.Regular, options);

        using var document = new PdfDocument();
        document.Info.Title = heading;
        document.Info.Author = "M3CoreCRM";
        document.Info.Subject = filters;
        var page = document.AddPage();
        page.Size = PageSize.A4;
        page.Orientation = PageOrientation.Landscape;
        using (var gfx = XGraphics.FromPdfPage(page))
        {
            var width = page.Width.Point - 2 * Margin;
            var y = Margin;
            gfx.DrawString(heading, title, XBrushes.Black, new XRect(Margin, y, width, 20), XStringFormats.TopLeft);
            y += 24;
            gfx.DrawString(filters, small, XBrushes.DimGray, new XRect(Margin, y, width, 12), XStringFormats.TopLeft);
            y += 20;

            // The table: columns as wide as their widest cell, squeezed to the page when together they are wider.
            var widths = columns.Select(c => Math.Max(gfx.MeasureString(c.Column.Title, bold).Width, rows.Count == 0 ? 0 : rows.Max(r => gfx.MeasureString(Cell(r[c.Index]), regular).Width)) + 8).ToList();
            var scale = Math.Min(1, width / Math.Max(1, widths.Sum()));
            var x = Margin;
            for (var i = 0; i < columns.Count; i++)
            {
                DrawCell(gfx, columns[i].Column.Title, bold, x, y, widths[i] * scale, columns[i].Column.Kind);
                x += widths[i] * scale;
            }

            y += 14;
            gfx.DrawLine(XPens.Gray, Margin, y - 2, Margin + width, y - 2);
            foreach (var row in rows)
            {
                x = Margin;
                for (var i = 0; i < columns.Count; i++)
                {
                    DrawCell(gfx, Cell(row[columns[i].Index]), regular, x, y, widths[i] * scale, columns[i].Column.Kind);
                    x += widths[i] * scale;
                }

                y += 13;
            }

            var more = report.Rows.Count - rows.Count;
            gfx.DrawString(more > 0 ? $"{report.Rows.Count} rows; the first {rows.Count} are shown (the CSV export has them all)." : $"{report.Rows.Count} rows.",
                small, XBrushes.DimGray, new XRect(Margin, y + 2, width, 10), XStringFormats.TopLeft);
            y += 22;

            // The chart: one horizontal bar per label, scaled to the largest.
            var valueTitle = report.Columns.First(c => c.Key == report.ChartValue).Title;
            var labelTitle = report.Columns.First(c => c.Key == report.ChartLabel).Title;
            gfx.DrawString($"{valueTitle} by {labelTitle.ToLowerInvariant()}", bold, XBrushes.Black, new XRect(Margin, y, width, 12), XStringFormats.TopLeft);
            y += 16;
            var labelWidth = 160.0;
            var barSpace = width - labelWidth - 90;
            var barHeight = Math.Min(14, (page.Height.Point - Margin - y) / Math.Max(1, bars.Count) - 3);
            var largest = bars.Count == 0 ? 0 : bars.Max(b => b.Value);
            foreach (var (label, value) in bars)
            {
                DrawCell(gfx, label, regular, Margin, y, labelWidth, ReportColumnKind.Text);
                var length = largest <= 0 ? 0 : (double)(value / largest) * barSpace;
                gfx.DrawRectangle(XBrushes.SteelBlue, Margin + labelWidth, y + 1, Math.Max(length, 0.5), barHeight - 2);
                gfx.DrawString(Cell(value), regular, XBrushes.Black, new XRect(Margin + labelWidth + length + 4, y, 86, barHeight), XStringFormats.CenterLeft);
                y += barHeight + 3;
            }
        }

        using var output = new MemoryStream();
        document.Save(output, closeStream: false);
        return output.ToArray();
    }

    private static void DrawCell(XGraphics gfx, string text, XFont font, double x, double y, double width, ReportColumnKind kind)
    {
        var fitted = text;
        while (fitted.Length > 1 && gfx.MeasureString(fitted, font).Width > width - 6)
        {
            fitted = fitted[..^2] + "…";
        }

        var format = kind is ReportColumnKind.Count or ReportColumnKind.Amount or ReportColumnKind.Percent ? XStringFormats.TopRight : XStringFormats.TopLeft;
        gfx.DrawString(fitted, font, XBrushes.Black, new XRect(x + 2, y, width - 6, 12), format);
    }

    private static string Filters(Report report)
    {
        var f = report.Filters;
        var parts = new List<string>();
        void Add(string name, object? value)
        {
            if (value is not null)
            {
                parts.Add($"{name} {Cell(value)}");
            }
        }

        Add("from", f.From);
        Add("to", f.To);
        Add("owner", f.OwnerId);
        Add("group", f.GroupId);
        Add("project", f.ProjectId);
        Add("pipeline", f.PipelineId);
        return $"Filters: {(parts.Count == 0 ? "none" : string.Join(", ", parts))}. Generated {Cell(report.GeneratedAt)}.";
    }
}

/// <summary>
/// PDFsharp's fonts: DejaVu Sans from the machine's font folders (Debian's fonts-dejavu-core), or from
/// <c>Reports__FontDirectory</c>. Every family asked for is served by it, so the PDF looks the same everywhere.
/// </summary>
public sealed class ReportFontResolver : IFontResolver
{
    public const string Family = "DejaVu Sans";
    private const string RegularFace = "DejaVuSans";
    private const string BoldFace = "DejaVuSans-Bold";
    private static readonly Lock Installing = new();
    private static bool _installed;

    private readonly Dictionary<string, string> _files = [];

    private ReportFontResolver(string? directory)
    {
        var folders = new[] { directory, "/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu", "/usr/share/fonts/TTF", "/usr/local/share/fonts" }.OfType<string>();
        foreach (var face in new[] { RegularFace, BoldFace })
        {
            if (folders.Select(folder => Path.Combine(folder, face + ".ttf")).FirstOrDefault(File.Exists) is { } file)
            {
                _files[face] = file;
            }
        }
    }

    public static ReportFontResolver Instance { get; private set; } = new(null);

    public bool Available => _files.Count == 2;

    /// <summary>Looks for the fonts in <paramref name="directory"/> first; call before the first PDF.</summary>
    public static void Configure(string? directory)
    {
        lock (Installing)
        {
            if (!_installed)
            {
                Instance = new ReportFontResolver(directory);
            }
        }
    }

    public static void EnsureInstalled()
    {
        lock (Installing)
        {
            if (!_installed)
            {
                GlobalFontSettings.FontResolver = Instance;
                _installed = true;
            }
        }
    }

    public FontResolverInfo ResolveTypeface(string familyName, bool bold, bool italic) =>
        new(bold ? BoldFace : RegularFace, mustSimulateBold: false, mustSimulateItalic: italic);

    public byte[]? GetFont(string faceName) => _files.TryGetValue(faceName, out var file) ? File.ReadAllBytes(file) : null;
}
