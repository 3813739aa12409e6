using M3CoreCRM.Silo.Hosting;
using Orleans.Runtime;

namespace M3CoreCRM.Testing;

/// <summary>
/// What every silo a test or benchmark starts needs: ports of its own (many silos share this machine), and a
/// reminder table read every second, so a reminder a test moves in the table fires within a second or two, and
/// one-shot reminders retried after 2 s rather than a minute.
/// </summary>
public static class OrleansTestSettings
{
    /// <summary>The Orleans service id of every silo started for tests (the reminder rows carry it).</summary>
    public const string ServiceId = "m3crm";

    /// <summary>Settings in configuration form (<c>Orleans:SiloPort</c>).</summary>
    public static Dictionary<string, string> ForSilo() => new()
    {
        ["Orleans:SiloPort"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Orleans:ReminderOptions:RefreshReminderListPeriod"] = "00:00:01",
        ["Orleans:ReminderOptions:MinimumReminderPeriod"] = "00:00:02",
    };

    private static readonly HashSet<int> HandedOut = [];

    /// <summary>
    /// A port nobody listens on right now, never handed out before by this process, from a band of its own (the
    /// PostgreSQL servers' is 20000-31999: see <see cref="FreePorts"/>).
    /// </summary>
    public static int FreePort() => FreePorts.InBand(10_000, 20_000, port =>
    {
        lock (HandedOut)
        {
            return HandedOut.Add(port);
        }
    });

    /// <summary>The <c>GrainId</c> Orleans stores for a domain grain (record id with its tenant as key extension).</summary>
    public static GrainId GrainIdOf(string grainType, Guid tenantId, Guid key) => GrainId.Create(grainType, $"{key:N}+{tenantId:N}");
}
