namespace M3CoreCRM.Runtime.Grains;

/// <summary>
/// Marker for grain interfaces. A grain is identified by (type, tenant id, key); every method
/// returns <see cref="Task"/> or <see cref="Task{TResult}"/>, and its arguments and results are
/// immutable records, so that a call can later cross a process boundary unchanged.
/// </summary>
public interface IGrain;

/// <summary>
/// Marks a grain interface method that does not change state: such calls may run alongside each other,
/// never alongside a state-changing call.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = true)]
public sealed class ReadOnlyAttribute : Attribute;

/// <summary>Names a grain class's type in grain ids and in the reminders table (defaults to the class name without "Grain").</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class GrainTypeAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}
