namespace M3CoreCRM.Grains.Abstractions.Errors;

/// <summary>What kind of rule a request broke; the API host turns it into a status code.</summary>
[GenerateSerializer, Alias("crm.DomainErrorKind")]
public enum DomainErrorKind
{
    /// <summary>400: the input breaks a rule.</summary>
    Invalid,

    /// <summary>401: credentials or tokens are not accepted.</summary>
    Unauthenticated,

    /// <summary>403: the caller may not do this.</summary>
    Forbidden,

    /// <summary>404: no such record (or not one the caller may see).</summary>
    NotFound,

    /// <summary>409: the record's state does not allow it.</summary>
    Conflict,

    /// <summary>429: the caller has done this too often for now.</summary>
    TooManyRequests,
}

/// <summary>
/// A broken domain rule, with the contract's stable <see cref="Code"/> and a message fit for the
/// caller (never internal detail). Grains throw it; it crosses grain calls and silos unchanged.
/// </summary>
[GenerateSerializer, Alias("crm.DomainException")]
public sealed class DomainException : Exception
{
    public DomainException(DomainErrorKind kind, string code, string message, IReadOnlyDictionary<string, string[]>? errors = null)
        : base(message)
    {
        Kind = kind;
        Code = code;
        Errors = errors is null ? null : new Dictionary<string, string[]>(errors);
    }

    [Id(0)]
    public DomainErrorKind Kind { get; private set; }

    [Id(1)]
    public string Code { get; private set; }

    /// <summary>Per-field messages for validation failures.</summary>
    [Id(2)]
    public Dictionary<string, string[]>? Errors { get; private set; }

    /// <summary>Further members of the problem (such as <c>limit</c> of a <c>plan_limit</c> refusal).</summary>
    [Id(3)]
    public Dictionary<string, string>? Extensions { get; init; }

    public static DomainException NotFound(string what) => new(DomainErrorKind.NotFound, "not_found", $"{what} was not found.");

    public static DomainException Invalid(string field, string message) =>
        new(DomainErrorKind.Invalid, "validation_failed", message, new Dictionary<string, string[]> { [field] = [message] });
}
