using System.Collections.Concurrent;
using M3CoreCRM.Grains.Abstractions.Events;
using M3CoreCRM.Grains.Abstractions.Tenancy;
using Microsoft.Extensions.Logging;

namespace M3CoreCRM.Grains.Events;

/// <summary>
/// Tells tenants' relays that events were appended, from the process that appended them, without waiting and
/// without a call per write: while a call to a tenant's relay is under way, further appends of that tenant ask
/// for one more call after it, however many they are. A call that fails is left to
/// <see cref="EventRelaySweeper"/>, which finds committed events still waiting for their positions.
/// </summary>
public sealed partial class EventRelayCalls(IGrainFactory grains, ILogger<EventRelayCalls> logger)
{
    private const int Calling = 1, CallingAndAgain = 2;
    private readonly ConcurrentDictionary<Guid, int> _calls = new();

    /// <summary>Called after a write that appended events of <paramref name="tenantId"/> committed.</summary>
    public void Appended(Guid tenantId)
    {
        while (true)
        {
            if (_calls.TryAdd(tenantId, Calling))
            {
                // Outside the writer's grain turn and request context: the call is the process's, not the caller's.
                using (ExecutionContext.SuppressFlow())
                {
                    _ = Task.Run(() => CallAsync(tenantId));
                }

                return;
            }

            if (_calls.TryUpdate(tenantId, CallingAndAgain, Calling) || _calls.TryGetValue(tenantId, out var state) && state == CallingAndAgain)
            {
                return;
            }
        }
    }

    private async Task CallAsync(Guid tenantId)
    {
        while (true)
        {
            try
            {
                await grains.GetGrain<IEventRelayGrain>(tenantId, tenantId).PublishAsync();
            }
            catch (Exception exception)
            {
                LogCallFailed(logger, exception, tenantId);
            }

            if (_calls.TryUpdate(tenantId, Calling, CallingAndAgain))
            {
                continue;
            }

            if (_calls.TryRemove(new KeyValuePair<Guid, int>(tenantId, Calling)))
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Asking the event relay of tenant {TenantId} to publish failed; the sweep will find its events")]
    private static partial void LogCallFailed(ILogger logger, Exception exception, Guid tenantId);
}
