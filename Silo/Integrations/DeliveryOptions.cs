namespace M3CoreCRM.Silo.Integrations;

/// <summary>The delivery outbox's settings (section <c>Integrations:Delivery</c>).</summary>
public sealed class DeliveryOptions
{
    public const string Section = "Integrations:Delivery";

    /// <summary>Tries of one message before it is left as <c>failed</c>.</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>The first wait between tries; each later wait doubles it (Polly's exponential backoff, with jitter).</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a claimed message is this worker's: one whose worker died is claimed again after it.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often the worker looks for messages enqueued by other processes.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Messages claimed at once.</summary>
    public int BatchSize { get; set; } = 20;

    /// <summary>Timeout of one call to a provider.</summary>
    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
