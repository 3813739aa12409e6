using System.Buffers.Text;
using System.Text.Json;
using M3CoreCRM.Grains.Abstractions.Errors;

namespace M3CoreCRM.ApiHost.Conventions;

/// <summary>A page of a list: <c>{ items, nextCursor }</c>.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? NextCursor);

public static class Page
{
    /// <summary>A page from up to <paramref name="take"/> + 1 rows read: the extra row only says that another page follows, after the last row kept.</summary>
    public static Page<T> FromRows<T>(IReadOnlyList<T> rows, int take, Func<T, Cursor> cursorOf) =>
        rows.Count > take ? new([.. rows.Take(take)], cursorOf(rows[take - 1]).Encode()) : new(rows, null);
}

/// <summary>
/// Keyset pagination: a cursor holds the sort value and id of the last row of the page, so the next
/// page starts strictly after it and never skips or repeats a row while rows are inserted.
/// </summary>
public sealed record Cursor(string? Value, Guid Id)
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;

    public string Encode() => Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(this));

    public static Cursor? Decode(string? cursor)
    {
        if (string.IsNullOrEmpty(cursor))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<Cursor>(Base64Url.DecodeFromChars(cursor)) ?? throw Invalid();
        }
        catch (Exception exception) when (exception is FormatException or JsonException)
        {
            throw Invalid();
        }
    }

    public static int Limit(int? limit) => limit switch
    {
        null => DefaultLimit,
        >= 1 and <= MaxLimit => limit.Value,
        _ => throw DomainException.Invalid("limit", $"limit must be between 1 and {MaxLimit}."),
    };

    private static DomainException Invalid() => DomainException.Invalid("cursor", "The cursor is not one this API returned.");
}

/// <summary>A sortable field of a list: its SQL column and that column's type.</summary>
public sealed record SortColumn(string Column, string SqlType);

/// <summary>How a list may be sorted, and the keyset condition and order that go with a sort.</summary>
public sealed class SortOptions(string defaultField, IReadOnlyDictionary<string, SortColumn> columns)
{
    public (string Field, SortColumn Column, bool Descending) Parse(string? sort)
    {
        var descending = sort?.StartsWith('-') == true;
        var field = string.IsNullOrWhiteSpace(sort) ? defaultField : sort.TrimStart('-');
        return columns.TryGetValue(field, out var column)
            ? (field, column, descending)
            : throw DomainException.Invalid("sort", $"sort must be one of: {string.Join(", ", columns.Keys)} (prefix - for descending).");
    }

    /// <summary>The condition "after the cursor" over (column, id), with the cursor's value in parameter <paramref name="valueParameter"/> and id in the next one.</summary>
    public static string After(SortColumn column, bool descending, int valueParameter, string alias) =>
        $"({alias}.{column.Column}, {alias}.id) {(descending ? "<" : ">")} (${valueParameter}::{column.SqlType}, ${valueParameter + 1})";

    public static string OrderBy(SortColumn column, bool descending, string alias) =>
        descending ? $"{alias}.{column.Column} DESC, {alias}.id DESC" : $"{alias}.{column.Column}, {alias}.id";
}
