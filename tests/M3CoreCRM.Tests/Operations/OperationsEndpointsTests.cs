using System.Net;
using System.Net.Http.Headers;
using System.Text;
using M3CoreCRM.Testing;
using M3CoreCRM.Tests.Infrastructure;

namespace M3CoreCRM.Tests.Operations;

/// <summary>
/// The operators' endpoints on real processes: Prometheus' <c>/metrics</c> and the Orleans dashboard on the Silo
/// process's internal address and on an ApiHost's <c>Operations:Urls</c>, never on the ApiHost's public address,
/// the dashboard only with the operator key.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class OperationsEndpointsTests(PostgresFixture postgres)
{
    private const string DashboardKey = "operator key for the tests";

    [Fact]
    public async Task SiloServesMetricsAndTheDashboardOnItsInternalAddressOnlyWithTheOperatorKey()
    {
        var database = await postgres.Server.CreateDatabaseAsync("ops");
        await using var silo = await HostProcess.StartAsync("M3CoreCRM.Silo", new Dictionary<string, string>
        {
            ["ConnectionStrings__Postgres"] = database,
            ["Operations__DashboardKey"] = DashboardKey,
        });
        using var http = new HttpClient { BaseAddress = silo.Address };

        // The readiness probe HostProcess awaited is an ASP.NET Core request; the silo's own figures come from Orleans.
        var metrics = await Eventually.ReturnsAsync(
            () => http.GetStringAsync(new Uri("/metrics", UriKind.Relative)),
            text => text.Contains("http_server_request_duration_seconds", StringComparison.Ordinal) && OrleansMetricIn(text),
            TimeSpan.FromSeconds(30));
        Assert.Contains("dotnet_gc_collections", metrics, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync(new Uri("/dashboard/", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await DashboardAsync(http, "not the key")).StatusCode);
        var dashboard = await DashboardAsync(http, DashboardKey);
        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
        Assert.Contains("<html", await dashboard.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task SiloWithoutAnOperatorKeyHasNoDashboard()
    {
        await using var silo = await HostProcess.StartAsync("M3CoreCRM.Silo", new Dictionary<string, string>
        {
            ["ConnectionStrings__Postgres"] = await postgres.Server.CreateDatabaseAsync("ops"),
        });
        using var http = new HttpClient { BaseAddress = silo.Address };

        Assert.Equal(HttpStatusCode.NotFound, (await DashboardAsync(http, DashboardKey)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri("/metrics", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task ApiHostServesMetricsAndTheDashboardOnItsOperationsAddressAndNeverOnThePublicOne()
    {
        var database = await postgres.Server.CreateDatabaseAsync("ops");
        var (api, operations) = await StartWithOperationsAddressAsync(new Dictionary<string, string>
        {
            ["ConnectionStrings__Postgres"] = database,
            ["Auth__SigningKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(48)),
            ["Operations__DashboardKey"] = DashboardKey,
        });
        await using var _ = api;
        using var open = new HttpClient { BaseAddress = api.Address };
        using var internalOnly = new HttpClient { BaseAddress = operations };

        // A request of the public API that writes through a grain: ASP.NET Core's, Orleans' and the storage's figures.
        await TenantSession.SignUpAsync(open);

        var metrics = await Eventually.ReturnsAsync(
            () => internalOnly.GetStringAsync(new Uri("/metrics", UriKind.Relative)),
            text => text.Contains("http_route=\"/api/v1/tenants\"", StringComparison.Ordinal) && OrleansMetricIn(text),
            TimeSpan.FromSeconds(30));
        Assert.Contains("http_server_request_duration_seconds", metrics, StringComparison.Ordinal);
        Assert.Contains("m3_storage_duration", metrics, StringComparison.Ordinal);
        Assert.Contains("db_client_", metrics, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.NotFound, (await open.GetAsync(new Uri("/metrics", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await DashboardAsync(open, DashboardKey)).StatusCode);
        // The Host header names the operations port; the connection is still the public one.
        using var spoofed = new HttpRequestMessage(HttpMethod.Get, "/metrics") { Headers = { Host = operations.Authority } };
        Assert.Equal(HttpStatusCode.NotFound, (await open.SendAsync(spoofed)).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await internalOnly.GetAsync(new Uri("/dashboard/", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await DashboardAsync(internalOnly, DashboardKey)).StatusCode);

        // Neither is part of the public API's document.
        var document = await open.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative));
        Assert.DoesNotContain("\"/metrics", document, StringComparison.Ordinal);
        Assert.DoesNotContain("\"/dashboard", document, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TracesAndMetricsGoOverOtlpWhenAnEndpointIsConfigured()
    {
        var port = OrleansTestSettings.FreePort();
        using var collector = new OtlpCollector(port);
        await using var api = await HostProcess.StartAsync("M3CoreCRM.ApiHost", new Dictionary<string, string>
        {
            ["ConnectionStrings__Postgres"] = await postgres.Server.CreateDatabaseAsync("ops"),
            ["Auth__SigningKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(48)),
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = $"http://127.0.0.1:{port}",
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "100",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "500",
        });
        using var http = new HttpClient { BaseAddress = api.Address };

        await TenantSession.SignUpAsync(http);

        // Spans of the request, of the grain calls it made (Orleans' activity propagation) and of its SQL commands.
        await Eventually.TrueAsync(
            () => collector.Received("/v1/traces", "Microsoft.AspNetCore") && collector.Received("/v1/traces", "Microsoft.Orleans.Application") && collector.Received("/v1/traces", "Npgsql"),
            TimeSpan.FromSeconds(30));
        await Eventually.TrueAsync(() => collector.Received("/v1/metrics", "Microsoft.Orleans") && collector.Received("/v1/metrics", "M3CoreCRM.Storage"), TimeSpan.FromSeconds(30));
    }

    /// <summary>An OTLP/HTTP receiver that keeps each export's protobuf body by path (scope names are plain bytes in it).</summary>
    private sealed class OtlpCollector : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly System.Collections.Concurrent.ConcurrentQueue<(string Path, byte[] Body)> _exports = new();

        public OtlpCollector(int port)
        {
            _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            _listener.Start();
            _ = ReceiveAsync();
        }

        public bool Received(string path, string text)
        {
            var bytes = Encoding.UTF8.GetBytes(text);
            return _exports.Any(export => export.Path == path && export.Body.AsSpan().IndexOf(bytes) >= 0);
        }

        public void Dispose() => _listener.Close();

        private async Task ReceiveAsync()
        {
            while (true)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception exception) when (exception is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                {
                    return;
                }

                using var body = new MemoryStream();
                await context.Request.InputStream.CopyToAsync(body);
                _exports.Enqueue((context.Request.Url!.AbsolutePath, body.ToArray()));
                context.Response.StatusCode = 200;
                context.Response.Close();
            }
        }
    }

    /// <summary>
    /// An ApiHost with an operations address of its own. The port is free when chosen, but this machine's other
    /// processes open connections from the same range before the host binds it now and then: another port then.
    /// </summary>
    private static async Task<(HostProcess Api, Uri Operations)> StartWithOperationsAddressAsync(Dictionary<string, string> settings)
    {
        for (var attempt = 1; ; attempt++)
        {
            var operations = new Uri($"http://127.0.0.1:{OrleansTestSettings.FreePort()}");
            try
            {
                var api = await HostProcess.StartAsync("M3CoreCRM.ApiHost", new Dictionary<string, string>(settings) { ["Operations__Urls"] = operations.ToString().TrimEnd('/') });
                return (api, operations);
            }
            catch (InvalidOperationException exception) when (attempt < 3 && exception.Message.Contains("address already in use", StringComparison.Ordinal))
            {
                // Taken between the choice and the bind.
            }
        }
    }

    /// <summary>Orleans' meter <c>Microsoft.Orleans</c> names its instruments <c>orleans-*</c>.</summary>
    private static bool OrleansMetricIn(string metrics) =>
        metrics.Split('\n').Any(line => line.StartsWith("orleans_", StringComparison.Ordinal));

    private static Task<HttpResponseMessage> DashboardAsync(HttpClient http, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/dashboard/");
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("operator:" + key)));
        return http.SendAsync(request);
    }
}
