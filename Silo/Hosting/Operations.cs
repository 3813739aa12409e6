using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using M3CoreCRM.Silo.Storage;
using Microsoft.Extensions.Primitives;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Orleans.Dashboard;

namespace M3CoreCRM.Silo.Hosting;

/// <summary>
/// What operators reach and the public never does: the Prometheus scrape endpoint (<c>/metrics</c>) and the Orleans
/// dashboard (<c>/dashboard</c>, behind <c>Operations:DashboardKey</c>). The Silo process's HTTP endpoints are all
/// internal (its <c>--urls</c>). An ApiHost serves them only on the addresses of <c>Operations:Urls</c>, which it
/// listens on besides its public ones; a request for them on any other address is answered 404, so they never show
/// on the public API. Telemetry (OpenTelemetry metrics, and traces when an OTLP endpoint is configured) is set up
/// here for both processes.
/// </summary>
public static class Operations
{
    public const string Section = "Operations";
    public const string MetricsPath = "/metrics";
    public const string DashboardPath = "/dashboard";

    /// <summary>OpenTelemetry's standard variable: traces and metrics go over OTLP only when it is set.</summary>
    public const string OtlpEndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>Orleans' meter (grains, messaging, membership, reminders, storage) and activity sources.</summary>
    public const string OrleansMeter = "Microsoft.Orleans";

    public static readonly string[] OrleansActivitySources = ["Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application"];

    private const string SettingsKey = "M3CoreCRM.Operations";

    /// <summary>
    /// Telemetry and the operations endpoints' settings. Call before <see cref="SiloSetup.AddM3Silo"/> or
    /// <see cref="SiloSetup.AddM3Grains"/>. <paramref name="everyAddressIsInternal"/>: the process has no public
    /// endpoints (the Silo process), so its own <c>--urls</c> serve them.
    /// </summary>
    public static IHostApplicationBuilder AddM3Operations(this IHostApplicationBuilder builder, bool everyAddressIsInternal)
    {
        var settings = OperationsSettings.Read(builder.Configuration, everyAddressIsInternal);
        builder.Properties[SettingsKey] = settings;
        builder.Services.AddSingleton(settings);
        if (settings.Urls.Count > 0 && builder is WebApplicationBuilder web)
        {
            // Kestrel listens on the public addresses (--urls, ASPNETCORE_URLS, ASPNETCORE_HTTP_PORTS) and on these.
            web.WebHost.UseUrls([.. PublicUrls(builder.Configuration), .. settings.Urls]);
        }

        builder.AddM3Telemetry(settings);
        return builder;
    }

    /// <summary>The settings <see cref="AddM3Operations"/> read; an ApiHost's defaults when it was not called.</summary>
    public static OperationsSettings Settings(IHostApplicationBuilder builder) =>
        builder.Properties.TryGetValue(SettingsKey, out var settings) ? (OperationsSettings)settings : OperationsSettings.Read(builder.Configuration, everyAddressIsInternal: false);

    /// <summary>
    /// The guard of the operations paths (404 off the internal addresses, 401 on the dashboard without the key), the
    /// scrape endpoint, and the dashboard. Call first in the pipeline.
    /// </summary>
    public static WebApplication UseM3Operations(this WebApplication app)
    {
        var settings = app.Services.GetRequiredService<OperationsSettings>();
        app.Use((context, next) =>
        {
            var path = context.Request.Path;
            var metrics = path.StartsWithSegments(MetricsPath, StringComparison.OrdinalIgnoreCase);
            var dashboard = path.StartsWithSegments(DashboardPath, StringComparison.OrdinalIgnoreCase);
            if (!metrics && !dashboard)
            {
                return next(context);
            }

            if (!settings.IsInternal(context) || (dashboard && !settings.DashboardEnabled))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            }

            if (dashboard && !settings.KeyMatches(context.Request.Headers.Authorization))
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                context.Response.Headers.WWWAuthenticate = "Basic realm=\"M3CoreCRM operations\", charset=\"UTF-8\"";
                return Task.CompletedTask;
            }

            return next(context);
        });

        if (settings.Enabled)
        {
            app.MapPrometheusScrapingEndpoint(MetricsPath).ExcludeFromDescription();
        }

        if (settings.DashboardEnabled)
        {
            // Not part of the API: kept out of the OpenAPI document.
            app.MapOrleansDashboard(routePrefix: DashboardPath).ExcludeFromDescription();
        }

        return app;
    }

    /// <summary>The dashboard's collection on this silo, when the dashboard is on.</summary>
    internal static void AddM3Dashboard(this ISiloBuilder silo, OperationsSettings settings)
    {
        settings.HostsSilo = true;
        if (settings.DashboardEnabled)
        {
            silo.AddDashboard();
        }
    }

    private static void AddM3Telemetry(this IHostApplicationBuilder builder, OperationsSettings settings)
    {
        if (!settings.Enabled && !settings.Otlp)
        {
            // Nowhere for figures to go (an ApiHost without Operations:Urls or OTLP): nothing is collected.
            return;
        }

        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(builder.Environment.ApplicationName))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(OrleansMeter, StorageMetrics.MeterName)
                    .AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddRuntimeInstrumentation()
                    .AddNpgsqlInstrumentation();
                if (settings.Enabled)
                {
                    metrics.AddPrometheusExporter();
                }
            });

        if (settings.Otlp)
        {
            // Traces only have somewhere to go over OTLP; without it no activity is recorded at all (Orleans' calls included).
            telemetry.WithTracing(tracing => tracing
                .AddSource(OrleansActivitySources)
                .AddAspNetCoreInstrumentation(options => options.Filter = context =>
                    !context.Request.Path.StartsWithSegments("/health", StringComparison.OrdinalIgnoreCase)
                    && !context.Request.Path.StartsWithSegments(MetricsPath, StringComparison.OrdinalIgnoreCase))
                .AddHttpClientInstrumentation()
                .AddNpgsql());
            telemetry.UseOtlpExporter();
        }
    }

    /// <summary>The addresses Kestrel would listen on without <c>Operations:Urls</c> (the same rules, in the same order).</summary>
    internal static IEnumerable<string> PublicUrls(IConfiguration configuration)
    {
        if (configuration["urls"] is { Length: > 0 } urls)
        {
            return Split(urls);
        }

        var ports = Split(configuration["http_ports"]).Select(port => $"http://*:{port}")
            .Concat(Split(configuration["https_ports"]).Select(port => $"https://*:{port}"))
            .ToList();
        return ports.Count > 0 ? ports : ["http://localhost:5000"];
    }

    internal static IEnumerable<string> Split(string? list) =>
        (list ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The port of an address of <c>Operations:Urls</c> (<c>http://0.0.0.0:9090</c>).</summary>
    internal static int PortOf(string url)
    {
        // "*" and "+" stand for any host, which Uri does not parse.
        var parsed = new Uri(url.Replace("://*", "://any", StringComparison.Ordinal).Replace("://+", "://any", StringComparison.Ordinal));
        if (parsed.IsDefaultPort && !url.Contains($":{parsed.Port}", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"{Section}:Urls must name a port for each address ({url}).");
        }

        return parsed.Port;
    }
}

/// <summary>
/// What <c>Operations:*</c> says: <c>Urls</c> (the ApiHost's internal addresses, ';'-separated) and
/// <c>DashboardKey</c> (the dashboard is off without it).
/// </summary>
public sealed class OperationsSettings
{
    private readonly byte[]? _keyHash;

    private OperationsSettings(bool everyAddressIsInternal, IReadOnlyList<string> urls, string? dashboardKey, bool otlp)
    {
        EveryAddressIsInternal = everyAddressIsInternal;
        Urls = urls;
        Ports = urls.Select(Operations.PortOf).ToHashSet();
        _keyHash = dashboardKey is { Length: > 0 } ? SHA256.HashData(Encoding.UTF8.GetBytes(dashboardKey)) : null;
        Otlp = otlp;
    }

    public bool EveryAddressIsInternal { get; }

    public IReadOnlyList<string> Urls { get; }

    public IReadOnlySet<int> Ports { get; }

    public bool Otlp { get; }

    /// <summary>The process has internal addresses for the scrape endpoint and the dashboard.</summary>
    public bool Enabled => EveryAddressIsInternal || Ports.Count > 0;

    /// <summary>This process hosts a silo (the dashboard shows the cluster through its silo: an ApiHost with <c>M3_SILO=remote</c> has none).</summary>
    public bool HostsSilo { get; internal set; }

    public bool DashboardEnabled => Enabled && HostsSilo && _keyHash is not null;

    public static OperationsSettings Read(IConfiguration configuration, bool everyAddressIsInternal)
    {
        var section = configuration.GetSection(Operations.Section);
        return new OperationsSettings(
            everyAddressIsInternal,
            Operations.Split(section["Urls"]).ToList(),
            section["DashboardKey"],
            !string.IsNullOrWhiteSpace(configuration[Operations.OtlpEndpointKey]));
    }

    /// <summary>The request came in on an internal address: any, in the Silo process; one of <c>Operations:Urls</c>' ports in an ApiHost.</summary>
    public bool IsInternal(HttpContext context) => EveryAddressIsInternal || Ports.Contains(context.Connection.LocalPort);

    /// <summary>
    /// <c>Authorization: Basic</c> with the key as password (any user name: what a browser asks for), or
    /// <c>Authorization: Bearer</c> with the key. Compared in constant time.
    /// </summary>
    public bool KeyMatches(StringValues authorization)
    {
        if (_keyHash is null || authorization.ToString() is not { Length: > 0 } header)
        {
            return false;
        }

        string? presented = null;
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            presented = header["Bearer ".Length..].Trim();
        }
        else if (header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..].Trim()));
                presented = decoded.IndexOf(':', StringComparison.Ordinal) is var colon and >= 0 ? decoded[(colon + 1)..] : null;
            }
            catch (FormatException)
            {
                return false;
            }
        }

        return presented is not null
            && CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(presented)), _keyHash);
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"internal: {(EveryAddressIsInternal ? "all" : string.Join(";", Urls))}; dashboard: {DashboardEnabled}");
}
