namespace M3CoreCRM.Grains.Abstractions.Billing;

/// <summary>What a plan limits: seats (active and invited users), leads (not deleted) and units.</summary>
[GenerateSerializer, Alias("crm.PlanLimit")]
public enum PlanLimit
{
    Seats,
    Leads,
    Units,
}

/// <summary>A plan's limits; null is no limit.</summary>
[GenerateSerializer, Immutable, Alias("crm.PlanLimits")]
public sealed record PlanLimits([property: Id(0)] int? Seats, [property: Id(1)] int? Leads, [property: Id(2)] int? Units)
{
    public int? Of(PlanLimit limit) => limit switch
    {
        PlanLimit.Seats => Seats,
        PlanLimit.Leads => Leads,
        _ => Units,
    };
}

/// <summary>How much of each limit a tenant uses.</summary>
[GenerateSerializer, Immutable, Alias("crm.PlanCounts")]
public sealed record PlanCounts([property: Id(0)] int Seats, [property: Id(1)] int Leads, [property: Id(2)] int Units);

/// <summary>A tenant's plan, its limits and what is used of them.</summary>
[GenerateSerializer, Immutable, Alias("crm.PlanUsage")]
public sealed record PlanUsage([property: Id(0)] string Plan, [property: Id(1)] PlanLimits Limits, [property: Id(2)] PlanCounts Usage);

/// <summary>
/// The one place that counts a tenant's seats, leads and units against its plan (key: the tenant id, its own
/// tenant). A create asks for a slot first (<see cref="ReserveAsync"/>) and reports how it ended
/// (<see cref="ReleaseAsync"/>); the grain keeps the count in memory, so a create below the limit costs no query.
/// Near the limit it counts again in PostgreSQL (rows committed plus creates still in flight), so concurrent
/// creates never pass the limit together. Not persisted: the count is read again on activation.
/// </summary>
[Alias("crm.IPlanUsageGrain")]
public interface IPlanUsageGrain : IGrainWithGuidCompoundKey
{
    /// <summary>
    /// A slot for one more of <paramref name="limit"/>, or 403 <c>plan_limit</c> (extension <c>limit</c>) when the
    /// plan's limit is reached. Returns the reservation to release.
    /// </summary>
    [Alias("Reserve")]
    Task<Guid> ReserveAsync(PlanLimit limit);

    /// <summary>Ends a reservation: <paramref name="created"/> when the record was committed.</summary>
    [OneWay, Alias("Release")]
    Task ReleaseAsync(Guid reservation, bool created);

    /// <summary>The plan, its limits and the usage, counted afresh.</summary>
    [Alias("Get")]
    Task<PlanUsage> GetAsync();

    /// <summary>Reads the plan again (after it changed) and counts afresh.</summary>
    [Alias("Refresh")]
    Task RefreshAsync();
}
