using M3CoreCRM.Testing;

namespace M3CoreCRM.Tests.Infrastructure;

/// <summary>
/// SQL over Orleans' reminder table for one kind of domain grain, the record id as <c>$1</c>. A domain grain's
/// <c>GrainId</c> is <c>{type}/{id:N}+{tenant:N}</c>. Moving a reminder's start a second ahead (with a new
/// version, so the silo's next read of the table, every second in tests, takes it up) is its time coming.
/// </summary>
internal static class ReminderRows
{
    public static string DueTimes(string grainType, string? name = null) =>
        $"SELECT starttime FROM orleansreminderstable WHERE {Of(grainType, name)} ORDER BY starttime";

    public static string Count(string grainType) => $"SELECT count(*) FROM orleansreminderstable WHERE {Of(grainType, null)}";

    public static string BringDue(string grainType, string? name = null) =>
        $"UPDATE orleansreminderstable SET starttime = now() + interval '1 second', version = version + 1 WHERE {Of(grainType, name)}";

    /// <summary>A reminder row as Orleans writes one (the hash is Orleans' own); parameters from <see cref="InsertParameters"/>.</summary>
    public const string Insert = """
        INSERT INTO orleansreminderstable (serviceid, grainid, remindername, starttime, period, grainhash, version)
        VALUES ($1, $2, $3, now() + $4::interval, 60000, $5, 0) ON CONFLICT DO NOTHING
        """;

    public static object[] InsertParameters(string grainType, Guid tenantId, Guid key, string name, TimeSpan dueIn)
    {
        var grainId = OrleansTestSettings.GrainIdOf(grainType, tenantId, key);
        return [OrleansTestSettings.ServiceId, grainId.ToString(), name, dueIn, unchecked((int)grainId.GetUniformHashCode())];
    }

    private static string Of(string grainType, string? name) =>
        $"grainid LIKE '{grainType}/' || replace($1::text, '-', '') || '+%'" + (name is null ? "" : $" AND remindername = '{name}'");
}
