namespace M3CoreCRM.Runtime.Grains;

/// <summary>
/// The identity of a grain: its type, its tenant and its key. The tenant is part of every id,
/// so a grain of one tenant cannot name a grain of another.
/// </summary>
public readonly record struct GrainId(string Type, Guid TenantId, Guid Key)
{
    public override string ToString() => $"{Type}/{TenantId:N}/{Key:N}";
}
