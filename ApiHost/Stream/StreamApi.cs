using System.Buffers;
using System.Globalization;
using M3CoreCRM.ApiHost.Conventions;
using M3CoreCRM.ApiHost.Identity;
using M3CoreCRM.Grains.Abstractions.Identity;
using M3CoreCRM.Grains.Abstractions.Errors;
using M3CoreCRM.Grains.Abstractions.Events;
using M3CoreCRM.Grains.Events;
using M3CoreCRM.Grains.Persistence;
using Npgsql;

namespace M3CoreCRM.ApiHost.Stream;

/// <summary>
/// A ticket, and <paramref name="Position"/>: the tenant's latest published event when it was issued. A client that
/// opens its first stream with <c>lastEventId=</c> that position gets every event after it, so what it read after
/// this answer arrived needs no second read.
/// </summary>
public sealed record StreamTicketView(string Ticket, DateTime ExpiresAt, string Position);

/// <summary>The live event stream (server-sent events) and the tickets browsers open it with.</summary>
public static class StreamApi
{
    public const string LastEventIdHeader = "Last-Event-ID";

    public static WebApplicationBuilder AddApiStream(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton((builder.Configuration.GetSection(StreamOptions.Section).Get<StreamOptions>() ?? new StreamOptions()).Validated());
        builder.Services.AddSingleton<StreamHub>();
        builder.Services.AddSingleton<StreamTickets>();
        return builder;
    }

    public static RouteGroupBuilder MapStreamApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapTenantGroup("/api/v1/stream", "Stream");
        group.MapGet("", OpenAsync).WithName("OpenEventStream").WithSummary("Open the live event stream").WithMetadata(new OpenApi.AcceptsStreamTicket())
            .Produces<string>(StatusCodes.Status200OK, "text/event-stream")
            .WithDescription("""
                Server-sent events of the caller's tenant. Each event: `id:` the tenant's sequence, `event:` the type,
                `data:` `{ sequence, type, entityType, entityId, occurredAt, data }`. Only events about records the
                caller may read are sent. Resume with the `Last-Event-ID` header (or `lastEventId` query): every
                later event follows, none missed or repeated; without it the stream starts at the present.
                A comment line comes every heartbeat. The stream ends when the access token (or, for a ticket,
                one access-token lifetime) expires, when the caller's access ends, or when the caller falls too far
                behind; reconnect with `Last-Event-ID` to continue. Browsers authenticate with `?ticket=`.
                """);
        group.MapPost("/ticket", IssueTicketAsync).WithName("IssueStreamTicket").WithSummary("Issue a stream ticket")
            .WithDescription("""
                A single-use ticket for `GET /stream?ticket=`, valid for 60 seconds, and `position`: the id of the
                tenant's latest event when the ticket was issued. Open the first stream with `lastEventId=` that position
                and every event after it follows, so what was read after this answer arrived is current with the stream.
                Not replayed by Idempotency-Key, since it is a secret.
                """)
            .WithMetadata(new NoIdempotencyReplay());
        return group;
    }

    private static async Task<Ok<StreamTicketView>> IssueTicketAsync(Caller caller, HttpContext context, StreamTickets tickets, TenantEventLog log, CancellationToken cancellationToken)
    {
        if (context.User.HasClaim(c => c.Type == StreamTicketAuthentication.ViaTicketClaim))
        {
            // A ticket opens a stream; it never mints the next ticket (that needs a real access token).
            throw new DomainException(DomainErrorKind.Forbidden, "forbidden", "A stream ticket cannot be used to ask for another.");
        }

        var stamp = Guid.Parse(context.User.FindFirst(M3Claims.SecurityStamp)!.Value);
        // Read before the answer leaves, so every event after it is numbered later (an event committed but not yet
        // numbered gets a later number too): nothing a read made after this answer missed is left out of a stream
        // that starts here.
        var position = await log.LatestSequenceAsync(caller.TenantId, cancellationToken);
        var (ticket, expiresAt) = await tickets.IssueAsync(caller, stamp, cancellationToken);
        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(new StreamTicketView(ticket, expiresAt, position.ToString(CultureInfo.InvariantCulture)));
    }

    private static async Task<EventStreamResult> OpenAsync(Caller caller, HttpContext context, NpgsqlDataSource dataSource, StreamHub hub, CancellationToken cancellationToken)
    {
        var position = context.Request.Headers[LastEventIdHeader].FirstOrDefault() ?? context.Request.Query["lastEventId"].FirstOrDefault();
        long? after = null;
        if (!string.IsNullOrEmpty(position))
        {
            new Validation()
                .Check(long.TryParse(position, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed), "lastEventId", "The id of the last event received: a whole number of 0 or more.")
                .ThrowIfInvalid();
            after = parsed;
        }

        var expiresAt = long.TryParse(context.User.FindFirst("exp")?.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var exp)
            ? DateTimeOffset.FromUnixTimeSeconds(exp)
            : (DateTimeOffset?)null;
        var viewer = await ViewerAsync(dataSource, caller.TenantId, caller.UserId, caller.Grants, cancellationToken);
        return new EventStreamResult(caller, viewer, after, expiresAt, hub.Admit(caller.TenantId, caller.UserId));
    }

    /// <summary>The viewer with the members of their groups, when a group-scoped grant needs them.</summary>
    internal static async Task<EventViewer> ViewerAsync(NpgsqlDataSource dataSource, Guid tenantId, Guid userId, IReadOnlyDictionary<string, PermissionScope> grants, CancellationToken cancellationToken)
    {
        var peers = new HashSet<Guid> { userId };
        if (grants.Values.Contains(PermissionScope.Group))
        {
            await using var batch = dataSource.ForTenant(tenantId);
            batch.Add("""
                SELECT DISTINCT member.id::uuid
                FROM groups g, jsonb_array_elements_text(g.state -> 'memberIds') AS member(id)
                WHERE g.tenant_id = $1 AND NOT g.deleted AND (g.state -> 'memberIds') ? $2
                """).With(tenantId).With(userId.ToString());
            await using var reader = await batch.ReadAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                peers.Add(reader.GetGuid(0));
            }
        }

        return new EventViewer(userId, grants, peers);
    }
}

/// <summary>
/// Writes one subscriber's stream: first the events after its position from the event log, then the
/// frames its feed offers, filling any gap (and any frames dropped while its queue was full) from the
/// log, each batch in one flush. Heartbeats keep idle connections open and re-check the caller's access.
/// A subscriber cut off by its feed for being stuck is disconnected.
/// </summary>
public sealed class EventStreamResult(Caller caller, EventViewer viewer, long? after, DateTimeOffset? expiresAt, IDisposable admission) : IResult
{
    private const int ReadBatch = 500;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        using var admitted = admission;
        var context = httpContext;
        var services = context.RequestServices;
        var hub = services.GetRequiredService<StreamHub>();
        var log = services.GetRequiredService<TenantEventLog>();
        var options = services.GetRequiredService<StreamOptions>();
        var time = services.GetRequiredService<TimeProvider>();
        var stopping = services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;

        var response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpResponseBodyFeature>()?.DisableBuffering();

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        if (expiresAt is { } expiry)
        {
            stop.CancelAfter(TimeSpan.FromTicks(Math.Max(1, (expiry - time.GetUtcNow()).Ticks)));
        }

        var cancellationToken = stop.Token;
        var writer = response.BodyWriter;
        StreamSubscription? subscription = null;
        try
        {
            // An id past the tenant's latest event is not one of its events (a restored database, another
            // tenant's stream): start at the present rather than skip what comes next.
            var latest = await hub.LatestSequenceAsync(caller.TenantId, cancellationToken);
            var last = Math.Min(after ?? latest, latest);
            writer.Write("retry: 3000\n: connected\n\n"u8);

            // A long catch-up (a resume from far back) runs before joining the feed, so that the feed's
            // frames do not pile up meanwhile; a short one after joining covers what committed in between.
            last = await CatchUpAsync(log, writer, null, last, null, cancellationToken);
            subscription = hub.Subscribe(caller.TenantId, last);
            using var cutOff = subscription.CutOff.Register(stop.Cancel);
            last = await CatchUpAsync(log, writer, subscription, last, null, cancellationToken);
            await FlushAsync(writer, subscription, cancellationToken);

            Task<bool>? more = null;
            Task? beat = null;
            while (true)
            {
                var wrote = false;
                while (subscription.Frames.TryRead(out var frame))
                {
                    if (frame.Sequence <= last)
                    {
                        continue;
                    }

                    if (frame.Sequence > last + 1)
                    {
                        last = await CatchUpAsync(log, writer, subscription, last, frame.Sequence - 1, cancellationToken);
                    }

                    if (viewer.CanSee(frame.Event))
                    {
                        writer.Write(frame.Bytes.Span);
                        wrote = true;
                    }

                    last = frame.Sequence;
                }

                if (subscription.TakeDropped())
                {
                    // The queue overflowed while this stream was busy: what did not fit is in the log.
                    last = await CatchUpAsync(log, writer, subscription, last, null, cancellationToken);
                }

                if (wrote)
                {
                    await FlushAsync(writer, subscription, cancellationToken);
                }

                // The heartbeat is checked on every pass, so that a busy stream still re-checks access on time.
                beat ??= Task.Delay(options.HeartbeatInterval, time, cancellationToken);
                if (!beat.IsCompleted)
                {
                    more ??= subscription.Frames.WaitToReadAsync(cancellationToken).AsTask();
                    if (await Task.WhenAny(more, beat) == more)
                    {
                        var open = await more;
                        more = null;
                        if (open)
                        {
                            continue;
                        }

                        break;
                    }
                }

                await beat;
                beat = null;
                writer.Write(": heartbeat\n\n"u8);
                await FlushAsync(writer, subscription, cancellationToken);
                if (await RecheckAsync(context, cancellationToken) is not { } current)
                {
                    break;
                }

                viewer = current;
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested || subscription?.IsCutOff == true)
        {
            // The client left, the host is stopping, the token expired, or the subscriber was cut off.
        }
        finally
        {
            subscription?.Dispose();
        }

        if (subscription?.IsCutOff == true)
        {
            // Whatever is half-written is dropped with the connection; the client resumes from its last complete event.
            context.Abort();
        }
    }

    private static async Task FlushAsync(System.IO.Pipelines.PipeWriter writer, StreamSubscription? subscription, CancellationToken cancellationToken)
    {
        subscription?.Flushing(true);
        try
        {
            await writer.FlushAsync(cancellationToken);
        }
        finally
        {
            subscription?.Flushing(false);
        }
    }

    /// <summary>Writes the viewer's events after <paramref name="last"/> up to <paramref name="upTo"/> (or the present) from the log.</summary>
    private async Task<long> CatchUpAsync(TenantEventLog log, System.IO.Pipelines.PipeWriter writer, StreamSubscription? subscription, long last, long? upTo, CancellationToken cancellationToken)
    {
        while (upTo is null || last < upTo)
        {
            var events = await log.ReadAsync(caller.TenantId, last, ReadBatch, cancellationToken);
            foreach (var e in events)
            {
                if (upTo is { } end && e.Sequence > end)
                {
                    return last;
                }

                if (viewer.CanSee(e))
                {
                    writer.Write(StreamFrame.Render(e).Bytes.Span);
                }

                last = e.Sequence;
            }

            if (events.Count > 0)
            {
                await FlushAsync(writer, subscription, cancellationToken);
            }

            if (events.Count < ReadBatch)
            {
                break;
            }
        }

        return last;
    }

    /// <summary>The viewer with current grants, or null when the caller's access has ended (disabled, logged out, password changed, tenant suspended).</summary>
    private async Task<EventViewer?> RecheckAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var services = context.RequestServices;
        var access = await services.GetRequiredService<AccessResolver>().GetAsync(caller.TenantId, caller.UserId, caller.FamilyId, cancellationToken);
        var tenant = await services.GetRequiredService<TenantDirectory>().FindAsync(caller.TenantId.ToString(), cancellationToken);
        var stamp = Guid.Parse(context.User.FindFirst(M3Claims.SecurityStamp)!.Value);
        if (access is null || !access.Active || !access.SessionLive || access.SecurityStamp != stamp || tenant?.Status != "active")
        {
            return null;
        }

        return await StreamApi.ViewerAsync(services.GetRequiredService<NpgsqlDataSource>(), caller.TenantId, caller.UserId, access.Grants, cancellationToken);
    }
}
