using M3CoreCRM.Runtime.Grains;

namespace M3CoreCRM.Runtime.Activations;

/// <summary>
/// The turns waiting further up the current call chain, each named by its grain and its turn id.
/// A call re-enters a grain only if the turn of that grain named in its chain is still running
/// there; a chain that outlived its turn (a timed-out call, work the grain did not await) queues
/// like any other call.
/// </summary>
internal sealed class CallChain(GrainId grainId, long turnId, CallChain? caller)
{
    private static readonly AsyncLocal<CallChain?> CurrentChain = new();
    private static long _lastTurnId;

    public static CallChain? Current
    {
        get => CurrentChain.Value;
        set => CurrentChain.Value = value;
    }

    public GrainId GrainId { get; } = grainId;

    public long TurnId { get; } = turnId;

    public CallChain? Caller { get; } = caller;

    public static long NextTurnId() => Interlocked.Increment(ref _lastTurnId);

    /// <summary>The turn ids of <paramref name="grainId"/> in this chain, nearest first.</summary>
    public IEnumerable<long> TurnsOf(GrainId grainId)
    {
        for (var link = this; link is not null; link = link.Caller)
        {
            if (link.GrainId == grainId)
            {
                yield return link.TurnId;
            }
        }
    }
}
