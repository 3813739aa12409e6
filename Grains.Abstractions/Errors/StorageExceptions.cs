namespace M3CoreCRM.Grains.Abstractions.Errors;

/// <summary>
/// A write broke one of the table's unique constraints (a code, an email already taken). The grain that
/// wrote turns it into its own conflict; its activation is retired, so the next call reads what is stored.
/// An <see cref="OrleansException"/>, so Orleans' state bridge passes it on as it is.
/// </summary>
[GenerateSerializer, Alias("crm.UniqueConstraintException")]
public sealed class UniqueConstraintException : OrleansException
{
    public UniqueConstraintException(string constraint, Exception innerException)
        : base($"The write broke the unique constraint '{constraint}'.", innerException)
    {
        Constraint = constraint;
    }

    [Id(0)]
    public string Constraint { get; private set; }
}

/// <summary>
/// PostgreSQL could not be reached (or answered a transient failure): nothing was written. The API answers
/// 503 with <c>Retry-After</c>; the detail stays in the silo's log.
/// </summary>
[GenerateSerializer, Alias("crm.StorageUnavailableException")]
public sealed class StorageUnavailableException : OrleansException
{
    public StorageUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
