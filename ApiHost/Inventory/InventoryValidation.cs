using System.Text.Json;
using System.Text.RegularExpressions;
using M3CoreCRM.ApiHost.Conventions;
using M3CoreCRM.Grains.Abstractions.Common;
using M3CoreCRM.Grains.Abstractions.Inventory;

namespace M3CoreCRM.ApiHost.Inventory;

/// <summary>A money value as a request carries it; validated into <see cref="Money"/>.</summary>
public sealed record MoneyRequest(decimal? Amount, string? Currency);

/// <summary>Field rules shared by the inventory's endpoints: codes, money and GeoJSON.</summary>
public static partial class InventoryValidation
{
    /// <summary>The largest amount a price may have; far above any property, well inside numeric precision.</summary>
    public const decimal MaxAmount = 1_000_000_000_000m;

    /// <summary>The ISO 4217 codes of currencies in circulation (the runtime runs with invariant globalization, so it has no culture data to ask).</summary>
    private static readonly HashSet<string> Currencies = new(StringComparer.Ordinal)
    {
        "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT", "BGN", "BHD", "BIF", "BMD", "BND", "BOB", "BRL",
        "BSD", "BTN", "BWP", "BYN", "BZD", "CAD", "CDF", "CHF", "CLP", "CNY", "COP", "CRC", "CUP", "CVE", "CZK", "DJF", "DKK", "DOP", "DZD", "EGP",
        "ERN", "ETB", "EUR", "FJD", "FKP", "GBP", "GEL", "GHS", "GIP", "GMD", "GNF", "GTQ", "GYD", "HKD", "HNL", "HTG", "HUF", "IDR", "ILS", "INR",
        "IQD", "IRR", "ISK", "JMD", "JOD", "JPY", "KES", "KGS", "KHR", "KMF", "KPW", "KRW", "KWD", "KYD", "KZT", "LAK", "LBP", "LKR", "LRD", "LSL",
        "LYD", "MAD", "MDL", "MGA", "MKD", "MMK", "MNT", "MOP", "MRU", "MUR", "MVR", "MWK", "MXN", "MYR", "MZN", "NAD", "NGN", "NIO", "NOK", "NPR",
        "NZD", "OMR", "PAB", "PEN", "PGK", "PHP", "PKR", "PLN", "PYG", "QAR", "RON", "RSD", "RUB", "RWF", "SAR", "SBD", "SCR", "SDG", "SEK", "SGD",
        "SHP", "SLE", "SOS", "SRD", "SSP", "STN", "SVC", "SYP", "SZL", "THB", "TJS", "TMT", "TND", "TOP", "TRY", "TTD", "TWD", "TZS", "UAH", "UGX",
        "USD", "UYU", "UZS", "VES", "VND", "VUV", "WST", "XAF", "XCD", "XOF", "XPF", "YER", "ZAR", "ZMW", "ZWL",
    };

    public static readonly string[] BoundaryTypes = ["Polygon", "MultiPolygon"];
    public static readonly string[] UnitGeometryTypes = ["Point", "Polygon", "MultiPolygon"];

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$")]
    private static partial Regex CodePattern();

    /// <summary>Codes: a letter or digit, then letters, digits, <c>_ . -</c>; at most 32 characters.</summary>
    public static Validation Code(this Validation validation, string field, string? code)
    {
        if (string.IsNullOrWhiteSpace(code))
        {
            return validation.Add(field, "Required.");
        }

        return validation.Check(CodePattern().IsMatch(code), field, "A code is 1 to 32 letters, digits, '_', '.' or '-', starting with a letter or digit.");
    }

    public static Money? Money(this Validation validation, string field, MoneyRequest? money, bool required)
    {
        if (money is null)
        {
            if (required)
            {
                validation.Add(field, "Required: { amount, currency }.");
            }

            return null;
        }

        var ok = true;
        if (money.Amount is not { } amount || amount < 0 || amount > MaxAmount || amount.Scale > 2 && decimal.Round(amount, 2) != amount)
        {
            validation.Add($"{field}.amount", $"An amount from 0 to {MaxAmount} with at most two decimals is required.");
            ok = false;
        }

        if (money.Currency is null || !Currencies.Contains(money.Currency))
        {
            validation.Add($"{field}.currency", "An ISO 4217 currency code (such as USD or AED) is required.");
            ok = false;
        }

        return ok ? new Money(decimal.Round(money.Amount!.Value, 2), money.Currency!) : null;
    }

    public static (JsonElement? Geometry, GeoBounds? Bounds) Geometry(this Validation validation, string field, JsonElement? geometry, IReadOnlyCollection<string> types)
    {
        if (geometry is not { } value || value.ValueKind == JsonValueKind.Null)
        {
            return (null, null);
        }

        var problems = GeoJson.Validate(value, types, out var normalised, out var bounds);
        foreach (var problem in problems.Take(20))
        {
            validation.Add(field, problem);
        }

        return problems.Count == 0 ? (normalised, bounds) : (null, null);
    }

    public static Validation Location(this Validation validation, string field, GeoPoint? location) =>
        location is null ? validation : validation.Check(GeoJson.InRange(location.Lng, location.Lat), field, "lat must be within -90..90 and lng within -180..180.");

    public static Validation Range(this Validation validation, string field, decimal? value, decimal min, decimal max, bool required = false)
    {
        if (value is null)
        {
            return required ? validation.Add(field, "Required.") : validation;
        }

        return validation.Check(value >= min && value <= max, field, $"Must be between {min} and {max}.");
    }
}
