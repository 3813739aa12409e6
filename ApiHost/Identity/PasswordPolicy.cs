using System.Collections.Frozen;
using System.Reflection;

namespace M3CoreCRM.ApiHost.Identity;

/// <summary>
/// What a password must be: 10 to 128 characters, not one of the most common passwords (a list
/// shipped with the API host), and not the account's own email or name.
/// </summary>
public static class PasswordPolicy
{
    public const int MinimumLength = 10;
    public const int MaximumLength = 128;

    private static readonly FrozenSet<string> Common = LoadCommonPasswords();

    /// <summary>The problem with the password, or null when it is acceptable.</summary>
    public static string? Check(string? password, string? email, string? name)
    {
        if (string.IsNullOrEmpty(password) || password.Length < MinimumLength)
        {
            return $"The password must have at least {MinimumLength} characters.";
        }

        if (password.Length > MaximumLength)
        {
            return $"The password must have at most {MaximumLength} characters.";
        }

        if (Common.Contains(password.ToLowerInvariant()))
        {
            return "The password is one of the most common passwords; choose another.";
        }

        var lower = password.ToLowerInvariant();
        var local = email?.Split('@')[0].ToLowerInvariant();
        if ((local is { Length: >= 4 } && lower.Contains(local, StringComparison.Ordinal)) ||
            (name is { Length: >= 4 } && lower.Contains(name.ToLowerInvariant().Replace(" ", "", StringComparison.Ordinal), StringComparison.Ordinal)))
        {
            return "The password must not contain the account's email or name.";
        }

        return null;
    }

    private static FrozenSet<string> LoadCommonPasswords()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("M3CoreCRM.ApiHost.Identity.common-passwords.txt")
            ?? throw new InvalidOperationException("The common password list is missing from the build.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd()
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(line => !line.StartsWith('#'))
            .Select(line => line.ToLowerInvariant())
            .ToFrozenSet(StringComparer.Ordinal);
    }
}
