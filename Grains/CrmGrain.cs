using M3CoreCRM.Grains.Abstractions.Billing;
using M3CoreCRM.Grains.Abstractions.Errors;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Hosting;

namespace M3CoreCRM.Grains;

/// <summary>
/// Base of the domain's grains: their key is a record id with the tenant as key extension
/// (<see cref="TenantGrains"/>), and their reminders are one-shot (a hold's end, a call lock's end, an
/// approval's expiry, a task's due time). Orleans' reminders repeat, so a one-shot reminder is registered
/// with the shortest period Orleans allows (<see cref="ReminderOptions.MinimumReminderPeriod"/>, a minute by
/// default) and removed once its handler has done its work: a handler that fails is delivered again a period
/// later, and one due while its silo was down fires within a period of the restart. Handlers stay idempotent.
/// </summary>
public abstract class CrmGrain : Grain, ITenantKeyed
{
    /// <summary>How long an activation that answered 404 stays for further requests before it goes.</summary>
    private static readonly TimeSpan AbsentLinger = TimeSpan.FromSeconds(10);

    private readonly Dictionary<string, IGrainReminder> _reminders = new(StringComparer.Ordinal);
    private readonly HashSet<string> _rescheduled = new(StringComparer.Ordinal);
    private IGrainTimer? _absentTimer;
    private Guid? _tenantId;
    private Guid? _key;

    protected Guid TenantId => _tenantId ??= ParseKey().TenantId;

    Guid ITenantKeyed.TenantId => TenantId;

    protected Guid Key => _key ??= ParseKey().Key;

    /// <summary>
    /// Runs <paramref name="create"/> within the tenant's plan: a slot of <paramref name="limit"/> is reserved first
    /// (403 <c>plan_limit</c> when none is left) and released as used or not once the create ended.
    /// </summary>
    protected async Task<T> WithinPlanAsync<T>(PlanLimit limit, Func<Task<T>> create)
    {
        var usage = GrainFactory.GetGrain<IPlanUsageGrain>(TenantId, TenantId);
        var reservation = await usage.ReserveAsync(limit);
        var created = false;
        try
        {
            var result = await create();
            created = true;
            return result;
        }
        finally
        {
            await usage.ReleaseAsync(reservation, created);
        }
    }

    /// <summary>A reminder that fires once, on or after <paramref name="dueTime"/> (also after a restart); registering a name again moves it.</summary>
    protected async Task RemindOnceAsync(string name, TimeSpan dueTime)
    {
        var retry = ServiceProvider.GetRequiredService<IOptions<ReminderOptions>>().Value.MinimumReminderPeriod;
        _reminders[name] = await this.RegisterOrUpdateReminder(name, dueTime < TimeSpan.Zero ? TimeSpan.Zero : dueTime, retry);
        _rescheduled.Add(name);
    }

    /// <summary>
    /// Delivers a one-shot reminder to <paramref name="handler"/>, then removes it, unless the handler moved it
    /// to a later time. If the handler throws, the reminder stays and fires again a period later.
    /// </summary>
    protected async Task HandleOnceAsync(string name, Func<Task> handler)
    {
        _rescheduled.Remove(name);
        await handler();
        if (!_rescheduled.Contains(name))
        {
            await ForgetReminderAsync(name);
        }
    }

    /// <summary>
    /// Removes a reminder that is no longer wanted, without failing the call that already did its work: for
    /// reminders whose handler checks, when it fires, that it still applies (one left behind does nothing).
    /// </summary>
    protected async Task ForgetReminderAsync(string name)
    {
        try
        {
            if (_reminders.Remove(name, out var known))
            {
                try
                {
                    await this.UnregisterReminder(known);
                    return;
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    // Changed since this activation registered it: look it up afresh below.
                }
            }

            if (await this.GetReminder(name) is { } stored)
            {
                await this.UnregisterReminder(stored);
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // Left behind: it fires once more, finds nothing of its own, and is removed then.
        }
    }

    /// <summary>
    /// The 404 for a record this grain does not hold (never created, or deleted). The activation goes
    /// <see cref="AbsentLinger"/> later: probing made-up ids must not leave activations behind for the collection
    /// age. Not at once: requests for the same id that are already queued here would each be sent on to a new
    /// activation that went too, until Orleans gave up forwarding them and they failed with a 503.
    /// </summary>
    protected DomainException Absent(string what)
    {
        _absentTimer ??= this.RegisterGrainTimer(() =>
        {
            DeactivateOnIdle();
            return Task.CompletedTask;
        }, AbsentLinger, Timeout.InfiniteTimeSpan);
        return DomainException.NotFound(what);
    }

    private (Guid TenantId, Guid Key) ParseKey() => this.GetGrainId().TryGetTenantKey(out var tenantId, out var key)
        ? (tenantId, key)
        : throw new InvalidOperationException($"{this.GetGrainId()} is not keyed by record id and tenant.");
}
