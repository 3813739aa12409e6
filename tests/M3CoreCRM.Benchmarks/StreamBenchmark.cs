using System.Buffers.Text;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using M3CoreCRM.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace M3CoreCRM.Benchmarks;

public sealed record StreamReport(
    Measurement Latency, Measurement YardstickLatency, Measurement FanOut, Measurement YardstickFanOut,
    int Subscribers, long Gaps, long Repeats, long CutOff);

/// <summary>
/// The event stream with many subscribers, against a real ApiHost process: every subscriber holds
/// <c>GET /api/v1/stream</c> open while a writer renames a project (each rename a committed write with
/// its event). Latency: a paced writer, and for every event at every subscriber the time from the
/// write's acknowledgement to the event's arrival. Fan-out: a burst of writes, and the frames per
/// second delivered until every subscriber has the last one. The yardstick is a bare server-sent-events
/// broadcast (another process, the same HTTP stack, no database, no auth, frames of the same size)
/// driven the same way: the ceiling of this machine for the same fan-out.
/// </summary>
public sealed class StreamBenchmark(TimeSpan duration, int subscribers, int burst = 500)
{
    public const string YardstickRole = "sse-yardstick";
    private const int PacedPerSecond = 20;
    private static readonly byte[] Marker = "\"name\":\"w"u8.ToArray();
    private static readonly byte[] IdLine = "id: "u8.ToArray();

    public async Task<StreamReport> RunAsync(string connectionString)
    {
        Measurement latency, fanOut;
        long gaps, repeats, cutOff;
        await using (var api = await HostProcess.StartAsync("M3CoreCRM.ApiHost", new Dictionary<string, string>
        {
            ["ConnectionStrings__Postgres"] = connectionString,
            ["M3_DATA_DIR"] = Path.Combine(Path.GetTempPath(), $"m3-bench-api-{Guid.NewGuid():N}"),
            ["RateLimits__TenantPerSecond"] = "10000000",
            // Load tenants hold more leads, units and users than a free plan allows.
            ["Billing__DefaultPlan"] = "enterprise",
            ["RateLimits__UserPerSecond"] = "10000000",

            // Every subscriber is the same user here; each still runs its own permission checks and heartbeats.
            ["Stream__MaxStreamsPerUser"] = "100000",
        }))
        {
            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = subscribers + 16 }) { BaseAddress = api.Address, Timeout = Timeout.InfiniteTimeSpan };
            var slug = $"bench-{Guid.NewGuid():N}"[..24];
            var signUp = await http.PostAsJsonAsync("/api/v1/tenants", new { name = "Bench", slug, owner = new { name = "Owner", email = $"owner@{slug}.test", password = "benchmark passphrase" } });
            signUp.EnsureSuccessStatusCode();
            var token = (await signUp.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
            HttpRequestMessage Request(HttpMethod method, string path, object? body = null)
            {
                var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
                request.Headers.Authorization = new("Bearer", token);
                request.Headers.Add("X-Tenant-Id", slug);
                return request;
            }

            // One project per concurrent writer of the burst, so that writers do not contend for one record.
            var projectIds = new Guid[4];
            for (var i = 0; i < projectIds.Length; i++)
            {
                using var created = await http.SendAsync(Request(HttpMethod.Post, "/api/v1/projects", new { name = "w0", code = $"STREAM{i}" }));
                created.EnsureSuccessStatusCode();
                projectIds[i] = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
            }

            async Task WriteAsync(int marker)
            {
                using var response = await http.SendAsync(Request(HttpMethod.Patch, $"/api/v1/projects/{projectIds[marker % projectIds.Length]}", new { name = $"w{marker}" }));
                response.EnsureSuccessStatusCode();
            }

            (latency, fanOut, gaps, repeats, cutOff) = await MeasureAsync(
                "event stream", () => Request(HttpMethod.Get, "/api/v1/stream"), http, WriteAsync);
        }

        await using var yardstick = await HostProcess.StartAsync("M3CoreCRM.Benchmarks", new Dictionary<string, string> { ["M3_BENCH_ROLE"] = YardstickRole });
        using var bare = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = subscribers + 16 }) { BaseAddress = yardstick.Address, Timeout = Timeout.InfiniteTimeSpan };
        var (yardstickLatency, yardstickFanOut, _, _, _) = await MeasureAsync(
            "bare SSE broadcast (yardstick)", () => new HttpRequestMessage(HttpMethod.Get, "/sse"), bare,
            async marker => (await bare.PostAsync(new Uri($"/publish?marker={marker}", UriKind.Relative), null)).EnsureSuccessStatusCode());

        return new StreamReport(latency, yardstickLatency, fanOut, yardstickFanOut, subscribers, gaps, repeats, cutOff);
    }

    private async Task<(Measurement Latency, Measurement FanOut, long Gaps, long Repeats, long CutOff)> MeasureAsync(
        string name, Func<HttpRequestMessage> open, HttpClient http, Func<int, Task> write)
    {
        var clock = new Clock(1 + (PacedPerSecond * (int)Math.Ceiling(duration.TotalSeconds * 1.3)) + burst + 1);
        var readers = new List<Subscriber>();
        for (var i = 0; i < subscribers; i++)
        {
            readers.Add(await Subscriber.OpenAsync(http, open(), clock));
        }

        // Latency: a paced writer (a warm-up fifth first); each subscriber notes each event's arrival.
        var marker = 0;
        var pace = TimeSpan.FromSeconds(1.0 / PacedPerSecond);
        var warmUpUntil = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds / 5 * Stopwatch.Frequency);
        var firstTimed = int.MaxValue;
        var started = Stopwatch.GetTimestamp();
        var end = started + (long)(duration.TotalSeconds * 1.2 * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < end)
        {
            var next = Stopwatch.GetTimestamp() + (long)(pace.TotalSeconds * Stopwatch.Frequency);
            marker++;
            if (firstTimed == int.MaxValue && Stopwatch.GetTimestamp() >= warmUpUntil)
            {
                firstTimed = marker;
            }

            clock.Sent(marker);
            await write(marker);
            clock.Acknowledged(marker);
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), next);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait);
            }
        }

        var lastPaced = marker;
        await Task.WhenAll(readers.Select(r => r.WaitForAsync(lastPaced)));
        var timedEvents = lastPaced - firstTimed + 1;
        var latencies = readers.SelectMany(r => r.Latencies(firstTimed, lastPaced)).Order().ToList();
        var latency = new Measurement($"{name}: write acknowledged → event at each of {subscribers:N0} subscribers ({PacedPerSecond} writes/s)",
            (long)timedEvents * subscribers, TimeSpan.FromSeconds(timedEvents / (double)PacedPerSecond), Percentile(latencies, 0.5), Percentile(latencies, 0.95), Percentile(latencies, 0.99));

        // Fan-out: a burst of writes, four at a time, timed until the last subscriber has the last event.
        var burstStart = Stopwatch.GetTimestamp();
        var firstBurst = marker + 1;
        var lastBurst = marker + burst;
        await Parallel.ForEachAsync(Enumerable.Range(firstBurst, burst), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (m, _) =>
        {
            clock.Sent(m);
            await write(m);
            clock.Acknowledged(m);
        });
        await Task.WhenAll(readers.Select(r => r.WaitForCountAsync(lastPaced + burst)));
        var burstElapsed = Stopwatch.GetElapsedTime(burstStart);
        var burstLatencies = readers.SelectMany(r => r.Latencies(firstBurst, lastBurst)).Order().ToList();
        var fanOut = new Measurement($"{name}: a burst of {burst} events fanned out to {subscribers:N0} subscribers (events delivered)",
            (long)burst * subscribers, burstElapsed, Percentile(burstLatencies, 0.5), Percentile(burstLatencies, 0.95), Percentile(burstLatencies, 0.99));

        var gaps = readers.Sum(r => r.Gaps);
        var repeats = readers.Sum(r => r.Repeats);
        var cutOff = readers.Count(r => r.Ended);
        foreach (var reader in readers)
        {
            reader.Dispose();
        }

        return (latency, fanOut, gaps, repeats, cutOff);
    }

    private static double Percentile(List<double> sorted, double quantile) =>
        sorted.Count == 0 ? 0 : sorted[Math.Min(sorted.Count - 1, (int)(quantile * sorted.Count))];

    /// <summary>When each marker was sent and acknowledged.</summary>
    private sealed class Clock(int capacity)
    {
        private readonly long[] _sent = new long[capacity];
        private readonly long[] _acknowledged = new long[capacity];

        public void Sent(int marker) => Volatile.Write(ref _sent[marker], Stopwatch.GetTimestamp());

        public void Acknowledged(int marker) => Volatile.Write(ref _acknowledged[marker], Stopwatch.GetTimestamp());

        /// <summary>From acknowledgement to arrival; an event that arrives before its write's response counts as 0.</summary>
        public double LatencyMs(int marker, long arrived)
        {
            var acknowledged = Volatile.Read(ref _acknowledged[marker]);
            return acknowledged == 0 || arrived <= acknowledged ? 0 : Stopwatch.GetElapsedTime(acknowledged, arrived).TotalMilliseconds;
        }
    }

    /// <summary>One open stream, scanned for ids and markers as bytes arrive (no JSON parsing: the client must not be the bottleneck).</summary>
    private sealed class Subscriber : IDisposable
    {
        private readonly HttpResponseMessage _response;
        private readonly Clock _clock;
        private readonly Dictionary<int, double> _latencies = [];
        private readonly CancellationTokenSource _closing = new();
        private readonly object _gate = new();
        private readonly List<(int Count, TaskCompletionSource Done)> _waiters = [];
        private long _lastId = -1;
        private int _count;
        private int _highestMarker;

        private Subscriber(HttpResponseMessage response, Clock clock)
        {
            _response = response;
            _clock = clock;
        }

        public long Gaps { get; private set; }

        public long Repeats { get; private set; }

        public bool Ended { get; private set; }

        public static async Task<Subscriber> OpenAsync(HttpClient http, HttpRequestMessage request, Clock clock)
        {
            var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            response.EnsureSuccessStatusCode();
            var subscriber = new Subscriber(response, clock);
            _ = Task.Run(subscriber.ReadAsync);
            return subscriber;
        }

        public IEnumerable<double> Latencies(int from, int to)
        {
            lock (_gate)
            {
                return [.. _latencies.Where(l => l.Key >= from && l.Key <= to).Select(l => l.Value)];
            }
        }

        public Task WaitForAsync(int marker) => WaitAsync(() => _highestMarker >= marker, marker, byCount: false);

        public Task WaitForCountAsync(int count) => WaitAsync(() => _count >= count, count, byCount: true);

        public void Dispose()
        {
            _closing.Cancel();
            _response.Dispose();
        }

        private Task WaitAsync(Func<bool> reached, int target, bool byCount)
        {
            lock (_gate)
            {
                if (reached())
                {
                    return Task.CompletedTask;
                }

                var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _waiters.Add((byCount ? target : -target, done));
                return done.Task.WaitAsync(TimeSpan.FromMinutes(2));
            }
        }

        private async Task ReadAsync()
        {
            var buffer = new byte[64 * 1024];
            var carry = 0;
            try
            {
                await using var body = await _response.Content.ReadAsStreamAsync(_closing.Token);
                int read;
                while ((read = await body.ReadAsync(buffer.AsMemory(carry), _closing.Token)) > 0)
                {
                    var arrived = Stopwatch.GetTimestamp();
                    var length = carry + read;
                    var consumed = Scan(buffer.AsSpan(0, length), arrived);
                    carry = length - consumed;
                    buffer.AsSpan(consumed, carry).CopyTo(buffer);
                }
            }
            catch (Exception) when (_closing.IsCancellationRequested)
            {
                return;
            }
            catch (Exception)
            {
                // Fall through: the stream ended under us.
            }

            Ended = !_closing.IsCancellationRequested;
        }

        /// <summary>Handles every complete frame; returns how many bytes it used.</summary>
        private int Scan(ReadOnlySpan<byte> bytes, long arrived)
        {
            var used = 0;
            while (true)
            {
                var end = bytes[used..].IndexOf("\n\n"u8);
                if (end < 0)
                {
                    return used;
                }

                var frame = bytes.Slice(used, end);
                used += end + 2;
                var id = frame.IndexOf(IdLine);
                var at = frame.IndexOf(Marker);
                if (id < 0 || at < 0 || !Utf8Parser.TryParse(frame[(id + IdLine.Length)..], out long sequence, out _)
                    || !Utf8Parser.TryParse(frame[(at + Marker.Length)..], out int marker, out _))
                {
                    continue;
                }

                lock (_gate)
                {
                    if (_lastId >= 0 && sequence <= _lastId)
                    {
                        Repeats++;
                    }
                    else if (_lastId >= 0 && sequence != _lastId + 1)
                    {
                        Gaps++;
                    }

                    _lastId = Math.Max(_lastId, sequence);
                    _count++;
                    _highestMarker = Math.Max(_highestMarker, marker);
                    _latencies[marker] = _clock.LatencyMs(marker, arrived);
                    for (var i = _waiters.Count - 1; i >= 0; i--)
                    {
                        var (target, done) = _waiters[i];
                        if ((target > 0 && _count >= target) || (target <= 0 && _highestMarker >= -target))
                        {
                            done.TrySetResult();
                            _waiters.RemoveAt(i);
                        }
                    }
                }
            }
        }
    }

    /// <summary>The yardstick's server: every published marker goes to every open stream, padded to the size of an API frame.</summary>
    public static async Task ServeYardstickAsync(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var streams = new List<Channel<byte[]>>();
        var padding = new string('x', 300);
        app.MapGet("/health/ready", () => "ok");
        app.MapPost("/publish", (int marker) =>
        {
            var frame = Encoding.UTF8.GetBytes($"id: {marker}\nevent: project.updated\ndata: {{\"sequence\":{marker},\"padding\":\"{padding}\",\"name\":\"w{marker}\"}}\n\n");
            lock (streams)
            {
                foreach (var stream in streams)
                {
                    stream.Writer.TryWrite(frame);
                }
            }

            return Results.Ok();
        });
        app.MapGet("/sse", async (HttpContext context) =>
        {
            var channel = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true });
            lock (streams)
            {
                streams.Add(channel);
            }

            context.Response.ContentType = "text/event-stream";
            await context.Response.WriteAsync(": connected\n\n", context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            try
            {
                while (await channel.Reader.WaitToReadAsync(context.RequestAborted))
                {
                    while (channel.Reader.TryRead(out var frame))
                    {
                        await context.Response.Body.WriteAsync(frame, context.RequestAborted);
                    }

                    await context.Response.Body.FlushAsync(context.RequestAborted);
                }
            }
            catch (OperationCanceledException)
            {
                // The client left.
            }
            finally
            {
                lock (streams)
                {
                    streams.Remove(channel);
                }
            }
        });
        await app.RunAsync();
    }
}
