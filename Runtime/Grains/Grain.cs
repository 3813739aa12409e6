using M3CoreCRM.Runtime.Activations;

namespace M3CoreCRM.Runtime.Grains;

/// <summary>Why an activation is being retired.</summary>
public enum DeactivationReason
{
    /// <summary>Unused for longer than the idle timeout.</summary>
    Idle,

    /// <summary>The silo holds more activations than its bound; the least recently used go first.</summary>
    CapacityExceeded,

    /// <summary>The grain asked for it with <see cref="Grain.DeactivateOnIdle"/>.</summary>
    Requested,

    /// <summary>A state write failed and the stored state could not be read back.</summary>
    StateUnknown,

    /// <summary>The silo is stopping.</summary>
    ShuttingDown,

    /// <summary>Another silo owns the grain's tenant now.</summary>
    OwnershipLost,
}

/// <summary>
/// Base class of grain classes. One activation runs one request at a time (awaits included);
/// methods marked <see cref="ReadOnlyAttribute"/> on the interface may run alongside each other.
/// The runtime's members (<see cref="GrainId"/>, <see cref="GrainFactory"/>, timers, reminders)
/// are available from <see cref="OnActivateAsync"/> on, not in the constructor.
/// </summary>
public abstract class Grain
{
    private IGrainContext? _context;

    private IGrainContext Context => _context ?? throw new InvalidOperationException("The grain runtime is not attached yet: use it from OnActivateAsync on, not in the constructor.");

    public GrainId GrainId => Context.GrainId;

    protected Guid TenantId => Context.GrainId.TenantId;

    protected Guid Key => Context.GrainId.Key;

    protected IGrainFactory GrainFactory => Context.GrainFactory;

    /// <summary>Runs after the state is read and before the first request.</summary>
    public virtual Task OnActivateAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Runs when the activation is retired, with no request running.</summary>
    public virtual Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Retires this activation once the current request is done; the next call activates it afresh.</summary>
    protected void DeactivateOnIdle() => Context.DeactivateOnIdle(DeactivationReason.Requested);

    /// <summary>
    /// A timer that lives with this activation: each tick runs as a turn of the grain, and the next
    /// tick is scheduled only after the previous one finished, so ticks never overlap. Ticks do not
    /// keep the activation alive.
    /// </summary>
    protected IDisposable RegisterGrainTimer(Func<CancellationToken, Task> callback, TimeSpan dueTime, TimeSpan period) =>
        Context.RegisterTimer(callback, dueTime, period);

    /// <summary>A durable reminder (see <see cref="IRemindable"/>); registering a name again replaces it.</summary>
    protected Task RegisterOrUpdateReminderAsync(string name, TimeSpan dueTime, TimeSpan? period = null) =>
        Context.RegisterReminderAsync(name, dueTime, period);

    protected Task UnregisterReminderAsync(string name) => Context.UnregisterReminderAsync(name);

    /// <summary>
    /// Removes a reminder that is no longer wanted, without failing the call that already did its work:
    /// for reminders whose handler checks, when it fires, that it still applies (a reminder left behind does nothing).
    /// </summary>
    protected async Task ForgetReminderAsync(string name)
    {
        try
        {
            await Context.UnregisterReminderAsync(name);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // Left behind: it fires once, finds nothing of its own, and is removed then.
        }
    }

    internal void Attach(IGrainContext context) => _context = context;
}
