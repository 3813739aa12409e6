namespace M3CoreCRM.Runtime.Errors;

/// <summary>A state write broke a unique constraint of its table other than the key (a taken slug or email, say).</summary>
public sealed class UniqueConstraintException(string constraint, Exception inner)
    : Exception($"The write breaks the unique constraint {constraint}.", inner)
{
    public string Constraint { get; } = constraint;
}
