using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Threading.Channels;
using M3CoreCRM.Tests.Infrastructure;

namespace M3CoreCRM.Tests.Live;

/// <summary>A server-sent event as a client parses it.</summary>
public sealed record ReceivedEvent(long Id, string Type, JsonElement Data)
{
    public string EntityType => Data.GetProperty("entityType").GetString()!;

    public Guid EntityId => Data.GetProperty("entityId").GetGuid();
}

/// <summary>A subscriber of <c>GET /api/v1/stream</c> that parses the event-stream format as a browser would.</summary>
public sealed class EventStreamClient : IAsyncDisposable
{
    private readonly Channel<ReceivedEvent> _events = Channel.CreateUnbounded<ReceivedEvent>();
    private readonly TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _closing = new();
    private readonly HttpResponseMessage _response;
    private int _heartbeats;

    private EventStreamClient(HttpResponseMessage response)
    {
        _response = response;
        Ended = Task.Run(ReadAsync);
    }

    /// <summary>Completes when the server ends the stream.</summary>
    public Task Ended { get; }

    public int Heartbeats => Volatile.Read(ref _heartbeats);

    /// <summary>Opens the stream as the tenant's owner (or with <paramref name="token"/>), from <paramref name="lastEventId"/> when given.</summary>
    public static async Task<EventStreamClient> OpenAsync(TenantSession tenant, string? token = null, long? lastEventId = null, HttpClient? http = null)
    {
        var request = tenant.Request(HttpMethod.Get, "/api/v1/stream", token: token);
        if (lastEventId is { } id)
        {
            request.Headers.Add("Last-Event-ID", id.ToString(CultureInfo.InvariantCulture));
        }

        return await OpenAsync(http ?? tenant.Http, request);
    }

    public static async Task<EventStreamClient> OpenAsync(HttpClient http, HttpRequestMessage request)
    {
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"The stream answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var client = new EventStreamClient(response);
        await client._connected.Task.WaitAsync(TimeSpan.FromSeconds(20));
        return client;
    }

    /// <summary>The next <paramref name="count"/> events, in the order they came.</summary>
    public async Task<IReadOnlyList<ReceivedEvent>> TakeAsync(int count, TimeSpan? timeout = null)
    {
        using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        var taken = new List<ReceivedEvent>();
        try
        {
            while (taken.Count < count)
            {
                taken.Add(await _events.Reader.ReadAsync(deadline.Token));
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"Only {taken.Count} of {count} events arrived: {string.Join(", ", taken.Select(e => $"{e.Id} {e.Type}"))}");
        }
        catch (ChannelClosedException)
        {
            throw new InvalidOperationException($"The stream ended after {taken.Count} of {count} events.");
        }

        return taken;
    }

    public async Task<ReceivedEvent> NextAsync(TimeSpan? timeout = null) => (await TakeAsync(1, timeout))[0];

    public async ValueTask DisposeAsync()
    {
        await _closing.CancelAsync();
        _response.Dispose();
        try
        {
            await Ended;
        }
        catch (Exception)
        {
            // Closed by us.
        }

        _closing.Dispose();
    }

    private async Task ReadAsync()
    {
        try
        {
            await using var body = await _response.Content.ReadAsStreamAsync(_closing.Token);
            using var reader = new StreamReader(body);
            string? id = null, type = null, data = null;
            while (await reader.ReadLineAsync(_closing.Token) is { } line)
            {
                if (line.Length == 0)
                {
                    if (data is not null)
                    {
                        using var json = JsonDocument.Parse(data);
                        await _events.Writer.WriteAsync(new ReceivedEvent(long.Parse(id!, CultureInfo.InvariantCulture), type ?? "message", json.RootElement.Clone()));
                    }

                    (id, type, data) = (null, null, null);
                }
                else if (line.StartsWith(':'))
                {
                    if (line.StartsWith(": connected", StringComparison.Ordinal))
                    {
                        _connected.TrySetResult();
                    }
                    else if (line.StartsWith(": heartbeat", StringComparison.Ordinal))
                    {
                        Interlocked.Increment(ref _heartbeats);
                    }
                }
                else if (line.StartsWith("id: ", StringComparison.Ordinal))
                {
                    id = line[4..];
                }
                else if (line.StartsWith("event: ", StringComparison.Ordinal))
                {
                    type = line[7..];
                }
                else if (line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    data = data is null ? line[6..] : data + "\n" + line[6..];
                }
            }
        }
        finally
        {
            _connected.TrySetException(new InvalidOperationException("The stream ended before it was connected."));
            _events.Writer.TryComplete();
        }
    }
}
