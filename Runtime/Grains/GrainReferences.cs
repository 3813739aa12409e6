using M3CoreCRM.Runtime.Activations;

namespace M3CoreCRM.Runtime.Grains;

public static class GrainReferences
{
    /// <summary>The id of the grain a reference points at.</summary>
    public static GrainId GetGrainId(this IGrain grain) => grain is GrainProxy proxy
        ? proxy.GrainId
        : throw new ArgumentException("Not a grain reference from IGrainFactory.", nameof(grain));
}
