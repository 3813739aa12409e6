using M3CoreCRM.Runtime.Grains;

namespace M3CoreCRM.Runtime.Activations;

/// <summary>
/// The grains whose turns are waiting further up the current call chain. A call to a grain that
/// is already in the chain re-enters it instead of queueing behind a turn that waits for it.
/// </summary>
internal sealed class CallChain(GrainId grainId, CallChain? caller)
{
    private static readonly AsyncLocal<CallChain?> CurrentChain = new();

    public static CallChain? Current
    {
        get => CurrentChain.Value;
        set => CurrentChain.Value = value;
    }

    public GrainId GrainId { get; } = grainId;

    public CallChain? Caller { get; } = caller;

    public bool Contains(GrainId grainId)
    {
        for (var link = this; link is not null; link = link.Caller)
        {
            if (link.GrainId == grainId)
            {
                return true;
            }
        }

        return false;
    }
}
