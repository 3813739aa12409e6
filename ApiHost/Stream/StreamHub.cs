using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading.Channels;
using M3CoreCRM.Grains.Abstractions.Errors;
using M3CoreCRM.Grains.Abstractions.Events;
using M3CoreCRM.Grains.Abstractions.Tenancy;
using M3CoreCRM.Grains.Events;
using M3CoreCRM.Grains.Persistence;
using Npgsql;

namespace M3CoreCRM.ApiHost.Stream;

/// <summary>
/// One stream subscriber's place in its tenant's feed: a bounded queue of frames. The feed never
/// waits for a subscriber. When the queue is full the frame is dropped for this subscriber only and
/// the subscriber reads what it missed from the event log once it has drained its queue; when its
/// writes to the client have been stuck for the stall timeout as well, it is cut off (<see cref="CutOff"/>)
/// and the client resumes with <c>Last-Event-ID</c>.
/// </summary>
public sealed class StreamSubscription : IDisposable
{
    private const int Open = 0, Closed = 1, CutOffState = 2;
    private readonly Channel<StreamFrame> _frames;
    private readonly CancellationTokenSource _cutOff = new();
    private readonly Action<StreamSubscription> _leave;
    private int _state;
    private int _dropped;
    private long _flushStartedAt;

    internal StreamSubscription(int capacity, Action<StreamSubscription> leave)
    {
        _frames = Channel.CreateBounded<StreamFrame>(new BoundedChannelOptions(capacity) { SingleReader = true, SingleWriter = true });
        _leave = leave;
    }

    internal enum Offered
    {
        Queued,
        Dropped,
        CutOff,
    }

    public ChannelReader<StreamFrame> Frames => _frames.Reader;

    /// <summary>Cancelled when the subscriber was cut off for being stuck.</summary>
    public CancellationToken CutOff => _cutOff.Token;

    public bool IsCutOff => Volatile.Read(ref _state) == CutOffState;

    /// <summary>True (once) when frames were dropped since the last call: read them from the log.</summary>
    public bool TakeDropped() => Interlocked.Exchange(ref _dropped, 0) == 1;

    /// <summary>Brackets each write to the client, so that the feed can tell a stuck subscriber from a busy one.</summary>
    public void Flushing(bool started) => Volatile.Write(ref _flushStartedAt, started ? Stopwatch.GetTimestamp() : 0);

    internal Offered Offer(StreamFrame frame, TimeSpan stallTimeout)
    {
        if (Volatile.Read(ref _state) != Open || _frames.Writer.TryWrite(frame))
        {
            return Offered.Queued;
        }

        var flushStartedAt = Volatile.Read(ref _flushStartedAt);
        if (flushStartedAt != 0 && Stopwatch.GetElapsedTime(flushStartedAt) > stallTimeout
            && Interlocked.CompareExchange(ref _state, CutOffState, Open) == Open)
        {
            _frames.Writer.TryComplete();

            // Off the feed's thread: the request's own clean-up runs on its cancellation.
            _ = _cutOff.CancelAsync();
            return Offered.CutOff;
        }

        Volatile.Write(ref _dropped, 1);
        return Offered.Dropped;
    }

    public void Dispose()
    {
        if (Interlocked.CompareExchange(ref _state, Closed, Open) is Open or CutOffState)
        {
            _leave(this);
            _frames.Writer.TryComplete();
        }
    }
}

/// <summary>
/// Fans each tenant's events out to this host's stream subscribers. Per tenant with subscribers there
/// is one feed: one subscription of this host to the tenant's live Orleans stream (<see cref="TenantEventLog.SubscribeAsync"/>,
/// which fills any gap from the log); each frame is rendered once and offered to every subscriber's queue. A
/// subscriber fills any gap between its own position and the feed (after joining a running feed, or
/// after frames were dropped for it) from the event log itself, so the feed never waits for anyone.
/// </summary>
public sealed partial class StreamHub(TenantEventLog log, IGrainFactory grains, StreamOptions options, ILogger<StreamHub> logger)
    : IDisposable
{
    private readonly Dictionary<Guid, TenantFeed> _feeds = [];
    private readonly ConcurrentDictionary<(Guid Tenant, Guid User), int> _streamsPerUser = new();
    private readonly CancellationTokenSource _stopping = new();
    private long _cutOffs;
    private long _drops;

    /// <summary>How many subscribers this host has cut off for being stuck, since it started.</summary>
    public long CutOffCount => Interlocked.Read(ref _cutOffs);

    /// <summary>How many frames this host has left for subscribers to read from the log, their queues being full.</summary>
    public long DropCount => Interlocked.Read(ref _drops);

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

    /// <summary>Counts a stream of the user against <see cref="StreamOptions.MaxStreamsPerUser"/>; dispose the result when the stream ends.</summary>
    public IDisposable Admit(Guid tenantId, Guid userId)
    {
        var key = (tenantId, userId);
        if (_streamsPerUser.AddOrUpdate(key, 1, (_, count) => count + 1) > options.MaxStreamsPerUser)
        {
            Release(key);
            throw new DomainException(DomainErrorKind.TooManyRequests, "rate_limited", $"At most {options.MaxStreamsPerUser} open streams per user; close one first.");
        }

        return new Admission(this, key);
    }

    /// <summary>
    /// Joins the tenant's feed; dispose the subscription to leave it. A feed started by this call
    /// reads after <paramref name="position"/>, the subscriber's own, so nothing falls between them.
    /// </summary>
    public StreamSubscription Subscribe(Guid tenantId, long position)
    {
        lock (_feeds)
        {
            if (!_feeds.TryGetValue(tenantId, out var feed))
            {
                feed = new TenantFeed(tenantId);
                _feeds[tenantId] = feed;
                _ = Task.Run(() => RunAsync(feed, position));
            }

            var subscription = new StreamSubscription(options.SubscriberBuffer, leaving => Leave(feed, leaving));
            feed.Subscribers = [.. feed.Subscribers, subscription];
            return subscription;
        }
    }

    /// <summary>
    /// The tenant's latest event position now (0 before its first event), once its relay has numbered every event
    /// committed so far: a stream that starts at the present has none of the writes acknowledged before it opened.
    /// </summary>
    public async Task<long> LatestSequenceAsync(Guid tenantId, CancellationToken cancellationToken)
    {
        await grains.GetGrain<IEventRelayGrain>(tenantId, tenantId).PublishAsync().WaitAsync(cancellationToken);
        return await log.LatestSequenceAsync(tenantId, cancellationToken);
    }

    public void Dispose()
    {
        _stopping.Cancel();
        _stopping.Dispose();
    }

    private void Release((Guid, Guid) key)
    {
        if (_streamsPerUser.AddOrUpdate(key, 0, (_, count) => count - 1) <= 0)
        {
            _streamsPerUser.TryRemove(new KeyValuePair<(Guid, Guid), int>(key, 0));
        }
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

    private async Task RunAsync(TenantFeed feed, long position)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(feed.Stop.Token, _stopping.Token);
        var cancellationToken = stop.Token;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await foreach (var e in log.SubscribeAsync(feed.TenantId, position, cancellationToken))
                {
                    var frame = StreamFrame.Render(e);
                    foreach (var subscriber in feed.Subscribers)
                    {
                        switch (subscriber.Offer(frame, options.StallTimeout))
                        {
                            case StreamSubscription.Offered.Dropped:
                                Interlocked.Increment(ref _drops);
                                break;
                            case StreamSubscription.Offered.CutOff:
                                Interlocked.Increment(ref _cutOffs);
                                LogCutOff(logger, feed.TenantId, e.Sequence);
                                break;
                        }
                    }

                    position = e.Sequence;
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

    private sealed class Admission(StreamHub hub, (Guid, Guid) key) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                hub.Release(key);
            }
        }
    }

    private sealed class TenantFeed(Guid tenantId)
    {
        public Guid TenantId { get; } = tenantId;

        public CancellationTokenSource Stop { get; } = new();

        /// <summary>Replaced, never changed in place, so the feed loop reads it without a lock.</summary>
        public volatile StreamSubscription[] Subscribers = [];
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "A stream subscriber of tenant {TenantId} was stuck past the stall timeout at event {Sequence} and was cut off; it can resume")]
    private static partial void LogCutOff(ILogger logger, Guid tenantId, long sequence);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The event feed of tenant {TenantId} failed to read; retrying")]
    private static partial void LogFeedFailed(ILogger logger, Exception exception, Guid tenantId);
}
