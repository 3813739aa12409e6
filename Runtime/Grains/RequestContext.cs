namespace M3CoreCRM.Runtime.Grains;

/// <summary>
/// Who asked, from where: set by the API host around a grain call, and carried into the grain's
/// turn (queued or not) and on into the calls it makes. Storage stamps it on audit entries.
/// </summary>
public sealed record RequestContext(Guid? ActorId, string? ClientAddress)
{
    private static readonly AsyncLocal<RequestContext?> CurrentContext = new();

    public static RequestContext? Current
    {
        get => CurrentContext.Value;
        set => CurrentContext.Value = value;
    }

    /// <summary>Sets the context for the calls made until the returned scope is disposed.</summary>
    public static Scope Begin(Guid? actorId, string? clientAddress)
    {
        var previous = Current;
        Current = new RequestContext(actorId, clientAddress);
        return new Scope(previous);
    }

    public readonly struct Scope(RequestContext? previous) : IDisposable
    {
        public void Dispose() => Current = previous;
    }
}
