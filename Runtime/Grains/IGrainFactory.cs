namespace M3CoreCRM.Runtime.Grains;

/// <summary>Hands out references to grains; a reference is cheap, and its calls activate the grain on first use.</summary>
public interface IGrainFactory
{
    /// <summary>A reference to the grain of <paramref name="tenantId"/> with <paramref name="key"/> implementing <typeparamref name="TGrainInterface"/>.</summary>
    TGrainInterface GetGrain<TGrainInterface>(Guid tenantId, Guid key)
        where TGrainInterface : IGrain;
}
