namespace M3CoreCRM.Grains.Persistence;

/// <summary>
/// The grain storage of the domain: each state name is the table its grain type lives in, keyed by
/// <c>(tenant_id, id)</c>, with the state as <c>jsonb</c> and <c>version</c> as the ETag.
/// </summary>
public static class CrmStorage
{
    public const string Name = "crm";
}
