using System.Threading.Channels;
using M3CoreCRM.Runtime.Events;
using M3CoreCRM.Runtime.Persistence;
using Npgsql;

namespace M3CoreCRM.ApiHost.Stream;

/// <summary>
/// One stream subscriber's place in its tenant's feed: a bounded queue of frames. When the feed
/// cannot add to a full queue it cuts the subscriber off (<see cref="CutOff"/>) instead of waiting,
/// so a slow subscriber never holds up the others or grows memory.
/// </summary>
public sealed class StreamSubscription : IDisposable
{
    private readonly Channel<StreamFrame> _frames;
    private readonly CancellationTokenSource _cutOff = new();
    private readonly Action<StreamSubscription> _leave;
    private int _disposed;

    internal StreamSubscription(int capacity, Action<StreamSubscription> leave)
    {
        _frames = Channel.CreateBounded<StreamFrame>(new BoundedChannelOptions(capacity) { SingleReader = true, SingleWriter = true });
        _leave = leave;
    }

    public ChannelReader<StreamFrame> Frames => _frames.Reader;

    /// <summary>Cancelled when the subscriber fell too far behind and was dropped from the feed.</summary>
    public CancellationToken CutOff => _cutOff.Token;

    public bool IsCutOff => _cutOff.IsCancellationRequested;

    /// <summary>False when the subscriber was cut off by this frame (its queue was full).</summary>
    internal bool Offer(StreamFrame frame)
    {
        if (_frames.Writer.TryWrite(frame) || _cutOff.IsCancellationRequested)
        {
            return true;
        }

        if (_frames.Writer.TryComplete())
        {
            _cutOff.Cancel();
        }

        return false;
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _leave(this);
            _frames.Writer.TryComplete();
        }
    }
}

/// <summary>
/// Fans each tenant's events out to this host's stream subscribers. Per tenant with subscribers there
/// is one feed: it waits on the process's single <c>LISTEN</c> connection (<see cref="EventNotifications"/>),
/// reads the new events once, renders each frame once and offers it to every subscriber's queue. A
/// subscriber fills any gap between its own position and the feed (after a resume, or after joining a
/// running feed) from the event log itself, so the feed never waits for anyone.
/// </summary>
public sealed partial class StreamHub(NpgsqlDataSource dataSource, TenantEventLog log, EventNotifications notifications, StreamOptions options, ILogger<StreamHub> logger)
    : IDisposable
{
    /// <summary>
    /// The feed reads at most half a subscriber's buffer at a time, so that one read never overflows a
    /// subscriber that is keeping up: only one that is a whole buffer behind is cut off.
    /// </summary>
    private int ReadBatch => Math.Clamp(options.SubscriberBuffer / 2, 1, 500);
    private readonly Dictionary<Guid, TenantFeed> _feeds = [];
    private readonly CancellationTokenSource _stopping = new();
    private long _cutOffs;

    /// <summary>Joins the tenant's feed; dispose the subscription to leave it.</summary>
    public StreamSubscription Subscribe(Guid tenantId)
    {
        lock (_feeds)
        {
            if (!_feeds.TryGetValue(tenantId, out var feed))
            {
                feed = new TenantFeed(tenantId);
                _feeds[tenantId] = feed;
                feed.Loop = Task.Run(() => RunAsync(feed));
            }

            var subscription = new StreamSubscription(options.SubscriberBuffer, leaving => Leave(feed, leaving));
            feed.Subscribers = [.. feed.Subscribers, subscription];
            return subscription;
        }
    }

    /// <summary>The tenant's latest event sequence now (0 before its first event).</summary>
    public async Task<long> LatestSequenceAsync(Guid tenantId, CancellationToken cancellationToken)
    {
        await using var batch = dataSource.ForTenant(tenantId);
        batch.Add("SELECT last_seq FROM event_sequences WHERE tenant_id = $1").With(tenantId);
        return await batch.ScalarAsync(cancellationToken) is long last ? last : 0;
    }

    /// <summary>How many subscribers this host has cut off for falling behind, since it started.</summary>
    public long CutOffCount => Interlocked.Read(ref _cutOffs);

    /// <summary>How many subscribers this host is feeding, over all tenants.</summary>
    public int SubscriberCount
    {
        get
        {
            lock (_feeds)
            {
                return _feeds.Values.Sum(f => f.Subscribers.Length);
            }
        }
    }

    public void Dispose()
    {
        _stopping.Cancel();
        _stopping.Dispose();
    }

    private void Leave(TenantFeed feed, StreamSubscription subscription)
    {
        lock (_feeds)
        {
            feed.Subscribers = [.. feed.Subscribers.Where(s => s != subscription)];
            if (feed.Subscribers.Length == 0 && _feeds.GetValueOrDefault(feed.TenantId) == feed)
            {
                _feeds.Remove(feed.TenantId);
                feed.Stop.Cancel();
            }
        }
    }

    private async Task RunAsync(TenantFeed feed)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(feed.Stop.Token, _stopping.Token);
        var cancellationToken = stop.Token;
        long? position = null;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                // Take the wake-up before reading, so an append between the read and the wait is not missed.
                var appended = notifications.NextAppend(feed.TenantId);
                position ??= await LatestSequenceAsync(feed.TenantId, cancellationToken);
                var events = await log.ReadAsync(feed.TenantId, position.Value, ReadBatch, cancellationToken);
                foreach (var e in events)
                {
                    var frame = StreamFrame.Render(e);
                    foreach (var subscriber in feed.Subscribers)
                    {
                        if (!subscriber.Offer(frame))
                        {
                            Interlocked.Increment(ref _cutOffs);
                            LogCutOff(logger, feed.TenantId, e.Sequence);
                        }
                    }

                    position = e.Sequence;
                }

                if (events.Count < ReadBatch)
                {
                    await EventNotifications.WaitAsync(appended, cancellationToken);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception exception)
            {
                // Storage trouble: subscribers keep their positions and are fed again once it is back.
                LogFeedFailed(logger, exception, feed.TenantId);
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
    }

    private sealed class TenantFeed(Guid tenantId)
    {
        public Guid TenantId { get; } = tenantId;

        public CancellationTokenSource Stop { get; } = new();

        /// <summary>Replaced, never changed in place, so the feed loop reads it without a lock.</summary>
        public volatile StreamSubscription[] Subscribers = [];

        public Task? Loop { get; set; }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "A stream subscriber of tenant {TenantId} fell too far behind at event {Sequence} and was cut off; it can resume")]
    private static partial void LogCutOff(ILogger logger, Guid tenantId, long sequence);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The event feed of tenant {TenantId} failed to read; retrying")]
    private static partial void LogFeedFailed(ILogger logger, Exception exception, Guid tenantId);
}
