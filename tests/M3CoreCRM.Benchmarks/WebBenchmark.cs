using System.Diagnostics;
using System.Text.Json;
using M3CoreCRM.Testing;

namespace M3CoreCRM.Benchmarks;

public sealed record WebReport(
    Measurement ListInteractive, Measurement SignInInteractive, Measurement ScrollLongestTask, Measurement StaticScrollLongestTask,
    Measurement LeadShown, Measurement EventDelivered, int Leads, int RowsScrolled, int LongTasksWhileScrolling);

/// <summary>
/// The web dashboard in Chromium (issue #20's figures): an ApiHost process serving the built app, a workspace with
/// <c>leads</c> leads seeded straight into storage, a manager who watches the list and an agent who creates leads.
/// The browser side is <c>web/bench/leads-list.bench.ts</c>, run by Playwright with Debian's Chromium; it hands back
/// raw samples, which become rows here, each beside its yardstick from the same browser in the same run.
/// </summary>
public sealed class WebBenchmark(int leads, int events, int scrollRows)
{
    public async Task<WebReport> RunAsync(string connectionString)
    {
        var web = WebFolder();
        var chromium = Environment.GetEnvironmentVariable("M3_CHROMIUM") ?? "/usr/bin/chromium";
        if (!File.Exists(chromium))
        {
            throw new InvalidOperationException($"No Chromium at {chromium}: install Debian's chromium (apt-get install chromium) or set M3_CHROMIUM.");
        }

        await using var api = await HostProcess.StartAsync("M3CoreCRM.ApiHost", HostSettings.ApiHost(connectionString));
        using var http = new HttpClient { BaseAddress = api.Address };
        var tenant = await BenchTenant.SignUpAsync(http, "Web bench", "Maria Manager");
        var agent = $"agent@{tenant.Slug}.test";
        await tenant.SendAsync(HttpMethod.Post, "/api/v1/users", new { name = "Aziz Agent", email = agent, password = BenchTenant.Password, roleIds = new[] { await tenant.RoleAsync("agent") } });
        await LeadsBenchmark.SeedAsync(connectionString, tenant.TenantId, tenant.OwnerId, groupId: null, leads);

        var output = Path.Combine(Path.GetTempPath(), $"m3-web-bench-{Guid.NewGuid():N}.json");
        var exit = await PlaywrightAsync(web, new Dictionary<string, string>
        {
            ["M3_BASE_URL"] = api.Address.ToString().TrimEnd('/'),
            ["M3_CHROMIUM"] = chromium,
            ["M3_BENCH_WORKSPACE"] = tenant.Slug,
            ["M3_BENCH_PASSWORD"] = BenchTenant.Password,
            ["M3_BENCH_MANAGER"] = tenant.OwnerEmail,
            ["M3_BENCH_AGENT"] = agent,
            ["M3_BENCH_EVENTS"] = events.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["M3_BENCH_SCROLL_ROWS"] = scrollRows.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["M3_BENCH_OUT"] = output,
        });
        if (exit != 0 || !File.Exists(output))
        {
            throw new InvalidOperationException($"The browser benchmark failed (Playwright exit code {exit}); its output is above.");
        }

        using var samples = JsonDocument.Parse(await File.ReadAllTextAsync(output));
        File.Delete(output);
        var root = samples.RootElement;
        var scroll = root.GetProperty("scroll");
        var plain = root.GetProperty("scrollYardstick");
        var rows = scroll.GetProperty("rows").GetInt32();
        return new WebReport(
            FromSamples($"/app/leads, {leads:N0} leads: navigation → interactive, cold cache", root.GetProperty("interactive")),
            FromSamples("/login: navigation → interactive, cold cache (yardstick)", root.GetProperty("interactiveYardstick")),
            FromSamples($"longest task while scrolling {rows:N0} leads in /app/leads", [scroll.GetProperty("longest").GetDouble()]),
            FromSamples($"longest task while scrolling a static table of {rows:N0} rows (yardstick)", [plain.GetProperty("longest").GetDouble()]),
            FromSamples("lead created by another user → shown in the open list", root.GetProperty("live")),
            FromSamples("the same event on a bare EventSource in the page (yardstick)", root.GetProperty("liveYardstick")),
            leads,
            rows,
            scroll.GetProperty("longTasks").GetInt32());
    }

    private static Measurement FromSamples(string name, JsonElement samples) =>
        FromSamples(name, [.. samples.EnumerateArray().Select(sample => sample.GetDouble())]);

    private static Measurement FromSamples(string name, double[] samples)
    {
        Array.Sort(samples);
        double At(double quantile) => samples.Length == 0 ? 0 : samples[Math.Min(samples.Length - 1, (int)(quantile * samples.Length))];
        return new Measurement(name, samples.Length, TimeSpan.FromMilliseconds(samples.Sum()), At(0.50), At(0.95), At(0.99));
    }

    /// <summary>Runs the browser side in web/ with Playwright's own runner, its output passed through.</summary>
    private static async Task<int> PlaywrightAsync(string web, Dictionary<string, string> environment)
    {
        var info = new ProcessStartInfo("npx", ["playwright", "test", "--config", "playwright.bench.config.ts"])
        {
            WorkingDirectory = web,
            UseShellExecute = false,
        };
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        info.Environment["PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD"] = "1";
        using var process = Process.Start(info) ?? throw new InvalidOperationException("npx did not start.");
        await process.WaitForExitAsync();
        return process.ExitCode;
    }

    private static string WebFolder()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var web = Path.Combine(directory.FullName, "web");
            if (File.Exists(Path.Combine(directory.FullName, "M3CoreCRM.sln")) && Directory.Exists(Path.Combine(web, "node_modules")))
            {
                return web;
            }
        }

        throw new InvalidOperationException($"No web/ with its node_modules above {AppContext.BaseDirectory}: build ApiHost (it runs npm ci) first.");
    }
}
