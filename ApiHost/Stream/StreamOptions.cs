namespace M3CoreCRM.ApiHost.Stream;

/// <summary>Settings of the event stream (configuration section <c>Stream</c>).</summary>
public sealed class StreamOptions
{
    public const string Section = "Stream";

    /// <summary>How often an idle stream gets a comment line, so that proxies do not close it; the caller's access is re-checked at the same beat.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How many events may wait for one subscriber. A subscriber that falls this far behind (a stalled
    /// client, a slow network) is cut off; it reconnects with <c>Last-Event-ID</c> and misses nothing.
    /// </summary>
    public int SubscriberBuffer { get; set; } = 1024;

    /// <summary>How long a ticket from <c>POST /stream/ticket</c> may wait to be used (once).</summary>
    public TimeSpan TicketLifetime { get; set; } = TimeSpan.FromSeconds(60);
}
