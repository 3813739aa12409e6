namespace M3CoreCRM.Runtime.Hosting;

/// <summary>Settings of the grain runtime (configuration section <c>GrainRuntime</c>).</summary>
public sealed class GrainRuntimeOptions
{
    public const string Section = "GrainRuntime";

    /// <summary>How long a grain call may take, queueing included, before the caller gets a timeout naming the grain and method.</summary>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>An activation unused for this long is retired.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How often the collector looks for idle activations.</summary>
    public TimeSpan CollectionInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The most activations one silo holds; past it the least recently used idle ones are retired.</summary>
    public int MaxActivations { get; set; } = 100_000;

    /// <summary>How often the reminder service looks for due reminders (a reminder fires at most this late).</summary>
    public TimeSpan ReminderPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a reminder whose handler failed waits before it is tried again.</summary>
    public TimeSpan ReminderRetryDelay { get; set; } = TimeSpan.FromSeconds(10);
}
