using System.Diagnostics;
using System.Text.Json;
using M3CoreCRM.Testing;
using Npgsql;

namespace M3CoreCRM.Benchmarks;

public sealed record WebReport(
    Measurement ListInteractive, Measurement SignInInteractive, Measurement ScrollLongestTask, Measurement StaticScrollLongestTask,
    Measurement LeadShown, Measurement EventDelivered, int Leads, int RowsScrolled, int LongTasksWhileScrolling,
    Measurement DashboardInteractive, Measurement DashboardSignIn, Measurement DealWonShown, Measurement DealWonDelivered, int Units, int Deals,
    Measurement BoardShown, Measurement BoardSignIn, Measurement BoardRendered, Measurement HoldApplied, Measurement HoldArrived, Measurement HoldShown, int BoardUnits);

/// <summary>
/// The web dashboard in Chromium (issues #20's and #21's figures): an ApiHost process serving the built app, a workspace
/// with <c>leads</c> leads, <c>units</c> units (a project of <c>boardUnits</c> of them for the availability board, the
/// rest over 10 projects) and a few hundred deals, all seeded straight into storage; a manager who watches and an agent
/// who writes. The browser side is <c>web/bench/*.bench.ts</c> (the lead list, the dashboard, the availability board),
/// run by Playwright with Debian's Chromium in one run; each hands back raw samples, which become rows here, each
/// beside its yardstick from the same browser in the same run.
/// </summary>
public sealed class WebBenchmark(int leads, int events, int scrollRows, int units, int boardUnits)
{
    private const int SeededDeals = 300;

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
        var agentId = (await tenant.SendAsync(HttpMethod.Post, "/api/v1/users", new { name = "Aziz Agent", email = agent, password = BenchTenant.Password, roleIds = new[] { await tenant.RoleAsync("agent") } }))
            .GetProperty("id").GetGuid();
        await LeadsBenchmark.SeedAsync(connectionString, tenant.TenantId, tenant.OwnerId, groupId: null, leads);

        // The dashboard's tenant: units over 10 projects, deals in a pipeline (the agent's: the pipeline widgets and the
        // leaderboard have numbers); the board's own project of boardUnits units, laid out as buildings of 20 floors of 10.
        var pipeline = await tenant.SendAsync(HttpMethod.Post, "/api/v1/pipelines", new
        {
            name = "Sales",
            stages = new object[] { new { name = "Enquiry", probability = 10 }, new { name = "Viewing", probability = 30 }, new { name = "Offer", probability = 60 }, new { name = "Reservation", probability = 90 } },
        });
        var pipelineId = pipeline.GetProperty("id").GetGuid();
        var stages = pipeline.GetProperty("stages").EnumerateArray().Select(s => s.GetProperty("id").GetGuid()).ToArray();
        await tenant.SendAsync(HttpMethod.Post, "/api/v1/unit-types", new { code = "2BR-A", name = "Two bedroom", category = "apartment" });
        var projects = new Guid[10];
        for (var i = 0; i < projects.Length; i++)
        {
            projects[i] = (await tenant.SendAsync(HttpMethod.Post, "/api/v1/projects", new { name = $"Tower {i}", code = $"T{i}" })).GetProperty("id").GetGuid();
        }

        var boardProject = (await tenant.SendAsync(HttpMethod.Post, "/api/v1/projects", new { name = "Board", code = "BOARD" })).GetProperty("id").GetGuid();
        await using (var dataSource = NpgsqlDataSource.Create(connectionString))
        {
            var now = DateTime.UtcNow;
            // The board's units count towards the tenant's units: the dashboard's tenant holds `units` in all.
            await InsertAsync(dataSource, tenant.TenantId, "units", Math.Max(0, units - boardUnits), n => Unit(projects[n % projects.Length], $"U-{n:00000}", null, n / 40 % 60, n, n % 6 == 5 ? "sold" : "available", now));
            await InsertAsync(dataSource, tenant.TenantId, "units", boardUnits, n =>
            {
                var building = ((char)('A' + n / 200)).ToString();
                var floor = 1 + n % 200 / 10;
                return Unit(boardProject, $"{building}-{floor}{n % 10:00}", building, floor, n, "available", now);
            });
            await InsertAsync(dataSource, tenant.TenantId, "deals", SeededDeals, n =>
            {
                var created = now.AddMinutes(-n * 30.0);
                var status = (n % 10) switch { < 7 => "open", < 9 => "won", _ => "lost" };
                return new
                {
                    title = $"Deal {n}", pipelineId, stageId = stages[n % stages.Length], value = new { amount = 500_000m + n % 100 * 10_000m, currency = "AED" },
                    unitIds = Array.Empty<Guid>(), ownerId = agentId, discountPercent = 0m, status, closedAt = status == "open" ? (DateTime?)null : created.AddDays(1),
                    deleted = false, createdAt = created, updatedAt = created,
                };
            });
            // Every seeded table vacuumed and analysed before the browser starts, as a database that has been running
            // for a while would be: otherwise autovacuum works through the 100,000 new leads during the first pages.
            foreach (var table in new[] { "leads", "units", "deals" })
            {
                await using var vacuum = dataSource.CreateCommand($"VACUUM (ANALYZE) {table}");
                await vacuum.ExecuteNonQueryAsync();
            }
        }

        var output = Path.Combine(Path.GetTempPath(), $"m3-web-bench-{Guid.NewGuid():N}.json");
        var dashboardOutput = Path.Combine(Path.GetTempPath(), $"m3-web-bench-dashboard-{Guid.NewGuid():N}.json");
        var boardOutput = Path.Combine(Path.GetTempPath(), $"m3-web-bench-board-{Guid.NewGuid():N}.json");
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
            ["M3_BENCH_PIPELINE"] = pipelineId.ToString(),
            ["M3_BENCH_DASHBOARD_EVENTS"] = events.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["M3_BENCH_DASHBOARD_OUT"] = dashboardOutput,
            ["M3_BENCH_BOARD_PROJECT"] = boardProject.ToString(),
            ["M3_BENCH_BOARD_UNITS"] = boardUnits.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["M3_BENCH_BOARD_EVENTS"] = events.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["M3_BENCH_BOARD_OUT"] = boardOutput,
        });
        foreach (var file in new[] { output, dashboardOutput, boardOutput })
        {
            if (exit != 0 || !File.Exists(file))
            {
                throw new InvalidOperationException($"The browser benchmark failed (Playwright exit code {exit}, {file} {(File.Exists(file) ? "written" : "not written")}); its output is above.");
            }
        }

        using var samples = JsonDocument.Parse(await File.ReadAllTextAsync(output));
        File.Delete(output);
        var root = samples.RootElement;
        var scroll = root.GetProperty("scroll");
        var plain = root.GetProperty("scrollYardstick");
        var rows = scroll.GetProperty("rows").GetInt32();
        using var dashboardSamples = JsonDocument.Parse(await File.ReadAllTextAsync(dashboardOutput));
        File.Delete(dashboardOutput);
        var dashboard = dashboardSamples.RootElement;
        using var boardSamples = JsonDocument.Parse(await File.ReadAllTextAsync(boardOutput));
        File.Delete(boardOutput);
        var board = boardSamples.RootElement;
        return new WebReport(
            FromSamples($"/app/leads, {leads:N0} leads: navigation → interactive, cold cache", root.GetProperty("interactive")),
            FromSamples("/login: navigation → interactive, cold cache (yardstick)", root.GetProperty("interactiveYardstick")),
            FromSamples($"longest task while scrolling {rows:N0} leads in /app/leads", [scroll.GetProperty("longest").GetDouble()]),
            FromSamples($"longest task while scrolling a static table of {rows:N0} rows (yardstick)", [plain.GetProperty("longest").GetDouble()]),
            FromSamples("lead created by another user → shown in the open list", root.GetProperty("live")),
            FromSamples("the same event on a bare EventSource in the page (yardstick)", root.GetProperty("liveYardstick")),
            leads,
            rows,
            scroll.GetProperty("longTasks").GetInt32(),
            FromSamples($"/app/dashboard, 8 widgets, {leads:N0} leads, {units:N0} units: navigation → interactive, cold cache", dashboard.GetProperty("interactive")),
            FromSamples("/login: navigation → interactive, cold cache (yardstick)", dashboard.GetProperty("interactiveYardstick")),
            FromSamples("deal won by another user: response → new number in the open dashboard", dashboard.GetProperty("live")),
            FromSamples("the same deal.won on a bare EventSource in the page: response → arrival (yardstick)", dashboard.GetProperty("liveYardstick")),
            units,
            SeededDeals,
            FromSamples($"availability board of {boardUnits:N0} units: navigation → every cell painted, cold cache", board.GetProperty("render")),
            FromSamples("/login: navigation → sign-in button painted, cold cache (yardstick)", board.GetProperty("renderYardstick")),
            FromSamples($"availability board of {boardUnits:N0} units: its read's answer → every cell painted", board.GetProperty("renderFromData")),
            FromSamples("live status change: event arrival → cell changed", board.GetProperty("applied")),
            FromSamples("the unit's hold: request → event arrival on the page's stream (yardstick)", board.GetProperty("liveYardstick")),
            FromSamples("the unit's hold: request → cell changed in the open board", board.GetProperty("live")),
            boardUnits);
    }

    /// <summary>A unit's state as the unit grain stores it (GrainJson: camelCase, enums in snake_case).</summary>
    private static object Unit(Guid projectId, string code, string? building, int floor, int n, string status, DateTime now) => new
    {
        projectId,
        code,
        typeCode = "2BR-A",
        building,
        floor,
        dimensions = new { areaSqm = 70 + n % 60, bedrooms = 1 + n % 4, bathrooms = 1 + n % 3, rooms = Array.Empty<object>() },
        components = Array.Empty<object>(),
        listPrice = new { amount = 400_000m + n % 500 * 1000m, currency = "AED" },
        status,
        appliedApprovals = Array.Empty<Guid>(),
        statusChangedAt = now,
        createdAt = now,
        updatedAt = now,
    };

    /// <summary>Writes rows in batches of 5,000, each state made by <paramref name="state"/> from its number.</summary>
    private static async Task InsertAsync(NpgsqlDataSource dataSource, Guid tenantId, string table, int count, Func<int, object> state)
    {
        const int batchSize = 5000;
        for (var start = 0; start < count; start += batchSize)
        {
            var size = Math.Min(batchSize, count - start);
            var ids = new Guid[size];
            var states = new string[size];
            for (var i = 0; i < size; i++)
            {
                ids[i] = Guid.CreateVersion7();
                states[i] = JsonSerializer.Serialize(state(start + i), JsonSerializerOptions.Web);
            }

            await Seeding.InsertStatesAsync(dataSource, tenantId, table, ids, states);
        }
    }

    private static Measurement FromSamples(string name, JsonElement samples) =>
        FromSamples(name, [.. samples.EnumerateArray().Select(sample => sample.GetDouble())]);

    private static Measurement FromSamples(string name, double[] samples)
    {
        Array.Sort(samples);
        double At(double quantile) => samples.Length == 0 ? 0 : samples[Math.Min(samples.Length - 1, (int)(quantile * samples.Length))];
        return new Measurement(name, samples.Length, TimeSpan.FromMilliseconds(samples.Sum()), At(0.50), At(0.95), At(0.99)) { MaxMs = samples.Length == 0 ? 0 : samples[^1] };
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
        // M3_BENCH_GREP runs only the specs whose titles match (Playwright's --grep), to measure one page at a time.
        if (Environment.GetEnvironmentVariable("M3_BENCH_GREP") is { Length: > 0 } grep)
        {
            info.ArgumentList.Add("--grep");
            info.ArgumentList.Add(grep);
        }

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
