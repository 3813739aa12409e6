using System.Net.Mail;
using M3CoreCRM.Grains.Abstractions.Errors;

namespace M3CoreCRM.ApiHost.Conventions;

/// <summary>Collects per-field problems of a request and throws one 400 <c>validation_failed</c> with all of them.</summary>
public sealed class Validation
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public Validation Required(string field, string? value, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            Add(field, "Required.");
        }
        else if (value.Length > maxLength)
        {
            Add(field, $"At most {maxLength} characters.");
        }

        return this;
    }

    public Validation Optional(string field, string? value, int maxLength)
    {
        if (value is not null && (value.Length > maxLength || value.Length == 0))
        {
            Add(field, value.Length == 0 ? "Must not be empty when given." : $"At most {maxLength} characters.");
        }

        return this;
    }

    public Validation Email(string field, string? value, bool required = true)
    {
        if (value is null && !required)
        {
            return this;
        }

        if (string.IsNullOrWhiteSpace(value) || value.Length > 254 || !MailAddress.TryCreate(value, out var parsed) || parsed.Address != value.Trim())
        {
            Add(field, "A valid email address is required.");
        }

        return this;
    }

    /// <summary>E.164-like: a plus sign and 8 to 15 digits.</summary>
    public Validation Phone(string field, string? value)
    {
        if (value is not null && (value.Length is < 9 or > 16 || value[0] != '+' || !value[1..].All(char.IsAsciiDigit)))
        {
            Add(field, "A phone number in international form (+ and 8 to 15 digits) is required.");
        }

        return this;
    }

    public Validation Check(bool ok, string field, string message)
    {
        if (!ok)
        {
            Add(field, message);
        }

        return this;
    }

    public Validation Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list))
        {
            _errors[field] = list = [];
        }

        list.Add(message);
        return this;
    }

    public bool IsValid => _errors.Count == 0;

    public void ThrowIfInvalid()
    {
        if (_errors.Count > 0)
        {
            throw new DomainException(
                DomainErrorKind.Invalid,
                "validation_failed",
                "The request has invalid fields; see errors.",
                _errors.ToDictionary(e => e.Key, e => e.Value.ToArray()));
        }
    }
}
