namespace M3CoreCRM.ApiHost.Stream;

/// <summary>Settings of the event stream (configuration section <c>Stream</c>).</summary>
public sealed class StreamOptions
{
    public const string Section = "Stream";

    /// <summary>How often an idle stream gets a comment line, so that proxies do not close it; the caller's access is re-checked at the same beat.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How many events may wait for one subscriber. Past it, events are not queued for that subscriber:
    /// it reads them from the event log once it has caught up with its queue.
    /// </summary>
    public int SubscriberBuffer { get; set; } = 1024;

    /// <summary>A subscriber whose queue is full and whose writes to its client have not moved for this long is disconnected.</summary>
    public TimeSpan StallTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a ticket from <c>POST /stream/ticket</c> may wait to be used (once).</summary>
    public TimeSpan TicketLifetime { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Open streams per user per API host (a browser needs one; each costs a connection and a heartbeat check).</summary>
    public int MaxStreamsPerUser { get; set; } = 10;

    /// <summary>Ticket redemptions per client address per minute (they happen before any token is known).</summary>
    public int TicketRedemptionsPerAddressPerMinute { get; set; } = 600;

    /// <summary>Throws at start-up on a setting that cannot work.</summary>
    public StreamOptions Validated()
    {
        if (HeartbeatInterval <= TimeSpan.Zero || StallTimeout <= TimeSpan.Zero || TicketLifetime <= TimeSpan.Zero)
        {
            throw new InvalidOperationException("Stream:HeartbeatInterval, Stream:StallTimeout and Stream:TicketLifetime must be positive.");
        }

        if (SubscriberBuffer < 1 || MaxStreamsPerUser < 1 || TicketRedemptionsPerAddressPerMinute < 1)
        {
            throw new InvalidOperationException("Stream:SubscriberBuffer, Stream:MaxStreamsPerUser and Stream:TicketRedemptionsPerAddressPerMinute must be at least 1.");
        }

        return this;
    }
}
