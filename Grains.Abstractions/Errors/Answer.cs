namespace M3CoreCRM.Grains.Abstractions.Errors;

/// <summary>
/// A domain refusal carried as a value: what a <see cref="DomainException"/> says, for the refusals that are
/// an ordinary answer on a hot path (a unit someone else holds), where throwing would cost a stack walk per
/// rethrow in every frame between the grain and the HTTP response.
/// </summary>
[GenerateSerializer, Immutable, Alias("crm.Refusal")]
public sealed record Refusal(
    [property: Id(0)] DomainErrorKind Kind,
    [property: Id(1)] string Code,
    [property: Id(2)] string Message)
{
    public static Refusal From(DomainException exception) => new(exception.Kind, exception.Code, exception.Message);

    public DomainException ToException() => new(Kind, Code, Message);
}

/// <summary>Either the result of a command or the refusal of it (exactly one is set).</summary>
[GenerateSerializer, Immutable, Alias("crm.Answer`1")]
public sealed record Answer<T>([property: Id(0)] T? Value, [property: Id(1)] Refusal? Refused)
    where T : class
{
    /// <summary>The value, or the refusal thrown as the <see cref="DomainException"/> it stands for.</summary>
    public T ValueOrThrow() => Refused is { } refusal ? throw refusal.ToException() : Value!;
}

public static class Answer
{
    public static Answer<T> Done<T>(T value)
        where T : class => new(value, null);

    public static Answer<T> Refuse<T>(DomainException refusal)
        where T : class => new(null, Refusal.From(refusal));
}
