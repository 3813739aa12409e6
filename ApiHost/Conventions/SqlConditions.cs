using Npgsql;

namespace M3CoreCRM.ApiHost.Conventions;

/// <summary>
/// The WHERE clause of a list query built from optional filters: each value becomes a typed
/// parameter of the command (never text in the SQL), and each condition is joined with AND.
/// </summary>
public sealed class SqlConditions(NpgsqlBatchCommand command)
{
    private readonly List<string> _conditions = [];

    public NpgsqlBatchCommand Command => command;

    /// <summary>Adds a parameter and returns its placeholder (<c>$n</c>).</summary>
    public string Param<T>(T value)
    {
        command.Parameters.Add(new NpgsqlParameter<T> { TypedValue = value });
        return "$" + command.Parameters.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    public SqlConditions Where(string condition)
    {
        _conditions.Add(condition);
        return this;
    }

    public SqlConditions WhereIf<T>(T? value, Func<string, string> condition)
        where T : struct
    {
        if (value is { } present)
        {
            _conditions.Add(condition(Param(present)));
        }

        return this;
    }

    public SqlConditions WhereIf(string? value, Func<string, string> condition)
    {
        if (!string.IsNullOrEmpty(value))
        {
            _conditions.Add(condition(Param(value)));
        }

        return this;
    }

    /// <summary>Keyset: rows strictly after the cursor's (sort value, id) in the list's order.</summary>
    public SqlConditions After(Cursor? cursor, SortColumn column, bool descending, string alias)
    {
        if (cursor is null)
        {
            return this;
        }

        Param(cursor.Value ?? "");
        Param(cursor.Id);
        return Where(SortOptions.After(column, descending, command.Parameters.Count - 1, alias));
    }

    /// <summary>
    /// Free text as the literal part of a LIKE pattern: trimmed, lower case, with <c>\</c>, <c>%</c> and <c>_</c> escaped
    /// (PostgreSQL's default LIKE escape is the backslash), so <c>q=%</c> matches a percent sign, not everything. Null when empty.
    /// </summary>
    public static string? LikeLiteral(string? text) =>
        string.IsNullOrWhiteSpace(text)
            ? null
            : text.Trim().ToLowerInvariant().Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);

    public override string ToString() => _conditions.Count == 0 ? "TRUE" : string.Join(" AND ", _conditions);
}
