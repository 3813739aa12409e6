using M3CoreCRM.Grains.Abstractions.Billing;
using M3CoreCRM.Grains.Persistence;
using Microsoft.Extensions.Options;
using Npgsql;

namespace M3CoreCRM.Grains.Billing;

/// <summary>
/// Counts a tenant's seats, leads and units against its plan. The count is what PostgreSQL had at the last
/// recount, plus the creates committed since, plus those in flight. Below the limit a reservation is a memory
/// operation; at the limit the grain counts again (a deleted lead or a disabled user frees a slot), so it refuses
/// only on a fresh count. Turns are one at a time, so two creates cannot take the last slot together. A create
/// whose caller died without releasing holds its slot for <see cref="ReservationLifetime"/>.
/// </summary>
[GrainType("plan-usage")]
public sealed class PlanUsageGrain(NpgsqlDataSource dataSource, IOptionsMonitor<BillingPlans> plans) : CrmGrain, IPlanUsageGrain
{
    /// <summary>Longer than a grain call's timeout: a create that has not reported by then has failed.</summary>
    private static readonly TimeSpan ReservationLifetime = TimeSpan.FromMinutes(2);

    /// <summary>The plan and counts are read again after this long, so a change made elsewhere (a downgrade, deletes) applies.</summary>
    private static readonly TimeSpan RecountAfter = TimeSpan.FromMinutes(1);

    /// <summary>At the limit, a refusal within this long of a recount is answered without another (a CSV import past the limit asks for many).</summary>
    private static readonly TimeSpan RefusalRecountInterval = TimeSpan.FromSeconds(1);

    private readonly Dictionary<Guid, (PlanLimit Limit, DateTimeOffset At)> _pending = [];
    private readonly int[] _counted = new int[3];
    private readonly int[] _createdSince = new int[3];
    private string _plan = BillingPlans.Free;
    private DateTimeOffset? _countedAt;

    public async Task<Guid> ReserveAsync(PlanLimit limit)
    {
        if (_countedAt is null || DateTimeOffset.UtcNow - _countedAt > RecountAfter)
        {
            await RecountAsync();
        }

        if (plans.CurrentValue.LimitsOf(_plan).Of(limit) is { } max && Used(limit) >= max)
        {
            if (DateTimeOffset.UtcNow - _countedAt > RefusalRecountInterval || _createdSince[(int)limit] > 0)
            {
                await RecountAsync();
            }

            if (plans.CurrentValue.LimitsOf(_plan).Of(limit) is { } limitNow && Used(limit) >= limitNow)
            {
                throw new DomainException(DomainErrorKind.Forbidden, "plan_limit", $"The {_plan} plan allows {limitNow} {Name(limit)}; all are in use. Upgrade the plan to add more.")
                {
                    Extensions = new Dictionary<string, string> { ["limit"] = Name(limit), ["plan"] = _plan },
                };
            }
        }

        var reservation = Guid.NewGuid();
        _pending[reservation] = (limit, DateTimeOffset.UtcNow);
        return reservation;
    }

    public Task ReleaseAsync(Guid reservation, bool created)
    {
        if (_pending.Remove(reservation, out var pending) && created)
        {
            _createdSince[(int)pending.Limit]++;
        }

        return Task.CompletedTask;
    }

    public async Task<PlanUsage> GetAsync()
    {
        await RecountAsync();
        return new PlanUsage(_plan, plans.CurrentValue.LimitsOf(_plan), new PlanCounts(Used(PlanLimit.Seats), Used(PlanLimit.Leads), Used(PlanLimit.Units)));
    }

    public Task RefreshAsync() => RecountAsync();

    private int Used(PlanLimit limit) => _counted[(int)limit] + _createdSince[(int)limit] + _pending.Values.Count(p => p.Limit == limit);

    private async Task RecountAsync()
    {
        var now = DateTimeOffset.UtcNow;
        foreach (var (id, pending) in _pending.Where(p => now - p.Value.At > ReservationLifetime).ToList())
        {
            _pending.Remove(id);
        }

        await using var batch = dataSource.ForTenant(TenantId);
        batch.Add("""
            SELECT (SELECT state ->> 'plan' FROM tenants WHERE tenant_id = $1 AND id = $1),
                   (SELECT count(*) FROM users WHERE tenant_id = $1 AND status IN ('active', 'invited'))::int,
                   (SELECT count(*) FROM leads WHERE tenant_id = $1 AND NOT deleted)::int,
                   (SELECT count(*) FROM units WHERE tenant_id = $1)::int
            """).With(TenantId);
        await using var reader = await batch.ReadAsync(CancellationToken.None);
        await reader.ReadAsync();

        // Creates in flight now may be committed already and counted by the query too: counted twice until they
        // are released, which can only refuse early at the very limit, never let one past it.
        _plan = reader.IsDBNull(0) ? plans.CurrentValue.DefaultPlan : reader.GetString(0);
        _counted[(int)PlanLimit.Seats] = reader.GetInt32(1);
        _counted[(int)PlanLimit.Leads] = reader.GetInt32(2);
        _counted[(int)PlanLimit.Units] = reader.GetInt32(3);
        Array.Clear(_createdSince);
        _countedAt = now;
    }

    private static string Name(PlanLimit limit) => limit switch
    {
        PlanLimit.Seats => "seats",
        PlanLimit.Leads => "leads",
        _ => "units",
    };
}
