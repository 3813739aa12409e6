using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using M3CoreCRM.Grains.Abstractions.Errors;
using Microsoft.AspNetCore.Routing;

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
/// Clients get it opaque: <c>payload.mac</c>, where the MAC (HMAC-SHA256, <see cref="CursorSigner"/>)
/// covers the list's route pattern and the request's <c>sort</c> too, so a cursor tampered with, or
/// taken from another list or sort, is a 400 naming <c>cursor</c>. The list and sort are those of the
/// request being served (<see cref="CursorScope"/>).
/// </summary>
public sealed record Cursor(string? Value, Guid Id)
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;

    public string Encode()
    {
        var scope = CursorScope.Current ?? throw new InvalidOperationException("A cursor is made while serving a list request.");
        var payload = JsonSerializer.SerializeToUtf8Bytes(this);
        return $"{Base64Url.EncodeToString(payload)}.{Base64Url.EncodeToString(scope.Mac(payload))}";
    }

    public static Cursor? Decode(string? cursor)
    {
        if (string.IsNullOrEmpty(cursor))
        {
            return null;
        }

        var scope = CursorScope.Current ?? throw new InvalidOperationException("A cursor is read while serving a list request.");
        var dot = cursor.IndexOf('.', StringComparison.Ordinal);
        try
        {
            if (dot < 0)
            {
                throw Invalid();
            }

            var payload = Base64Url.DecodeFromChars(cursor.AsSpan(0, dot));
            var mac = Base64Url.DecodeFromChars(cursor.AsSpan(dot + 1));
            return CryptographicOperations.FixedTimeEquals(mac, scope.Mac(payload))
                ? JsonSerializer.Deserialize<Cursor>(payload) ?? throw Invalid()
                : throw Invalid();
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

    private static DomainException Invalid() => DomainException.Invalid("cursor", "The cursor is not one this list returned for this sort.");
}

/// <summary>Signs list cursors with a key of their own, derived from the token signing key (<see cref="Identity.TokenService.DeriveKey"/>).</summary>
public sealed class CursorSigner(byte[] key)
{
    public byte[] Mac(string list, string sort, ReadOnlySpan<byte> payload)
    {
        // Each part after its length, so that no two (list, sort, payload) run together into the same bytes.
        var context = Encoding.UTF8.GetBytes($"{list.Length}:{list}{sort.Length}:{sort}");
        var data = new byte[context.Length + payload.Length];
        context.CopyTo(data, 0);
        payload.CopyTo(data.AsSpan(context.Length));
        return HMACSHA256.HashData(key, data);
    }
}

/// <summary>The list and sort of the request being served, to which its cursors are bound.</summary>
public sealed record CursorScope(CursorSigner Signer, string List, string Sort)
{
    private static readonly AsyncLocal<CursorScope?> Scope = new();

    public static CursorScope? Current => Scope.Value;

    public byte[] Mac(ReadOnlySpan<byte> payload) => Signer.Mac(List, Sort, payload);

    internal static void Set(CursorScope scope) => Scope.Value = scope;
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
