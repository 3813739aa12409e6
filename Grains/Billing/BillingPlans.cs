using M3CoreCRM.Grains.Abstractions.Billing;

namespace M3CoreCRM.Grains.Billing;

/// <summary>One plan's limits as configured (<c>Billing:Plans:Pro:Leads</c>); empty is no limit.</summary>
public sealed class PlanLimitSettings
{
    public int? Seats { get; set; }

    public int? Leads { get; set; }

    public int? Units { get; set; }

    public PlanLimits ToLimits() => new(Seats, Leads, Units);
}

/// <summary>
/// The plans and their limits (configuration section <c>Billing</c>, read by the silo). The defaults are generous
/// enough that a workspace on <c>free</c> is not cramped in trial use; operators set their own.
/// </summary>
public sealed class BillingPlans
{
    public const string Section = "Billing";
    public const string Free = "free";
    public const string Pro = "pro";
    public const string Enterprise = "enterprise";

    public static IReadOnlyList<string> Names { get; } = [Free, Pro, Enterprise];

    /// <summary>The plan a new tenant starts on.</summary>
    public string DefaultPlan { get; set; } = Free;

    public PlanSet Plans { get; set; } = new();

    public PlanLimits LimitsOf(string plan) => plan switch
    {
        Pro => Plans.Pro.ToLimits(),
        Enterprise => Plans.Enterprise.ToLimits(),
        _ => Plans.Free.ToLimits(),
    };

    public sealed class PlanSet
    {
        public PlanLimitSettings Free { get; set; } = new() { Seats = 25, Leads = 25_000, Units = 10_000 };

        public PlanLimitSettings Pro { get; set; } = new() { Seats = 100, Leads = 250_000, Units = 100_000 };

        public PlanLimitSettings Enterprise { get; set; } = new();
    }
}
