namespace M3CoreCRM.ApiHost.Conventions;

public static class CsvText
{
    /// <summary>Free text that a spreadsheet would run as a formula (=, +, -, @ first) gets a leading apostrophe; phones (+) are left as they are by their callers.</summary>
    public static string? Safe(string? text) =>
        text is { Length: > 0 } && "=+-@\t\r".Contains(text[0], StringComparison.Ordinal) ? "'" + text : text;
}
