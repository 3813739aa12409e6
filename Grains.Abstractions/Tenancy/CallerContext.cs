namespace M3CoreCRM.Grains.Abstractions.Tenancy;

/// <summary>
/// Who asked, for which tenant, from where: set by the API host around its grain calls and carried by
/// Orleans' <see cref="RequestContext"/> into the grain's turn and on into the calls it makes. Storage
/// stamps actor and address on audit entries; the silo's call filter refuses a call whose tenant is not
/// the grain's.
/// </summary>
public static class CallerContext
{
    // One immutable entry rather than three boxed values: Orleans copies the request context into every call
    // it sends, and an immutable value is passed on as it is.
    private const string Key = "m3.caller";

    public static Guid? TenantId => Current?.TenantId;

    public static Guid? ActorId => Current?.ActorId;

    public static string? ClientAddress => Current?.ClientAddress;

    private static Caller? Current => RequestContext.Get(Key) as Caller;

    /// <summary>Sets the context for the calls made until the returned scope is disposed.</summary>
    public static Scope Begin(Guid? tenantId, Guid? actorId, string? clientAddress)
    {
        var scope = new Scope(Current);
        Set(tenantId is null && actorId is null && clientAddress is null ? null : new Caller(tenantId, actorId, clientAddress));
        return scope;
    }

    private static void Set(Caller? caller)
    {
        if (caller is null)
        {
            RequestContext.Remove(Key);
        }
        else
        {
            RequestContext.Set(Key, caller);
        }
    }

    public readonly struct Scope : IDisposable
    {
        private readonly Caller? _previous;

        internal Scope(Caller? previous) => _previous = previous;

        public void Dispose() => Set(_previous);
    }

    /// <summary>The context as it travels with a call.</summary>
    [GenerateSerializer, Immutable, Alias("crm.CallerContext")]
    public sealed record Caller(
        [property: Id(0)] Guid? TenantId,
        [property: Id(1)] Guid? ActorId,
        [property: Id(2)] string? ClientAddress);
}
