using System.Text.RegularExpressions;
using M3CoreCRM.ApiHost.Conventions;

namespace M3CoreCRM.ApiHost.Leads;

/// <summary>How leads' phones, emails and tags are checked and normalised, so that duplicates are found whatever the spelling.</summary>
public static partial class LeadValidation
{
    public const int MaxTags = 20;

    /// <summary>
    /// E.164: a plus sign and 8 to 15 digits, spaces, dashes, dots and brackets ignored; <c>00</c> in front
    /// is read as <c>+</c>. A number without its country code is refused rather than guessed.
    /// </summary>
    public static string? NormalisedPhone(this Validation validation, string field, string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw))
        {
            return null;
        }

        var compact = Separators().Replace(raw.Trim(), "");
        if (compact.StartsWith("00", StringComparison.Ordinal))
        {
            compact = "+" + compact[2..];
        }

        if (!E164().IsMatch(compact))
        {
            validation.Add(field, "A phone number in international form: + and the country code, then the number (8 to 15 digits in all).");
            return null;
        }

        return compact;
    }

    public static string? NormalisedEmail(this Validation validation, string field, string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw))
        {
            return null;
        }

        var email = raw.Trim().ToLowerInvariant();
        validation.Email(field, email);
        return email;
    }

    public static IReadOnlyList<string> Tags(this Validation validation, string field, string[]? tags)
    {
        if (tags is null)
        {
            return [];
        }

        var cleaned = tags.Select(t => t?.Trim().ToLowerInvariant() ?? "").Distinct().ToList();
        validation.Check(cleaned.Count <= MaxTags, field, $"At most {MaxTags} tags.")
            .Check(cleaned.All(t => t.Length is > 0 and <= 50), field, "Tags are 1 to 50 characters.");
        return cleaned;
    }

    /// <summary>The free-text search term as the search column holds text: lower case; a phone-like term as its digits.</summary>
    public static string? SearchTerm(string? q)
    {
        if (string.IsNullOrWhiteSpace(q))
        {
            return null;
        }

        var term = q.Trim().ToLowerInvariant();
        if (PhoneLike().IsMatch(term))
        {
            term = new string([.. term.Where(char.IsAsciiDigit)]);
        }

        return term.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);
    }

    [GeneratedRegex(@"[\s\-\.\(\)]")]
    private static partial Regex Separators();

    [GeneratedRegex(@"^\+[1-9][0-9]{7,14}$")]
    private static partial Regex E164();

    [GeneratedRegex(@"^[+0-9][0-9\s\-\.\(\)]{3,}$")]
    private static partial Regex PhoneLike();
}
