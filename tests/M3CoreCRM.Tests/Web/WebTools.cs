using M3CoreCRM.Tests.Infrastructure;

namespace M3CoreCRM.Tests.Web;

/// <summary>
/// The web app's folder (<c>web/</c>) and its Node tools at the versions of its package-lock.json, and the machine's
/// Chromium for the end-to-end tests. CI runs only <c>dotnet test</c> on a fresh clone: ApiHost's build has run
/// <c>npm ci</c> there already (<c>ApiHost/Web/WebApp.targets</c>); a missing Chromium is installed from Debian's
/// packages when the tests run as root (as CI does), and is otherwise a failure that says what to install.
/// </summary>
public static class WebTools
{
    public const string Chromium = "/usr/bin/chromium";

    private static readonly SemaphoreSlim InstallLock = new(1, 1);

    /// <summary><c>web/</c> of this checkout.</summary>
    public static string Folder { get; } = ToolProcess.CheckoutFolder("web");

    public static async Task EnsureInstalledAsync()
    {
        await InstallLock.WaitAsync();
        try
        {
            if (File.Exists(Path.Combine(Folder, "node_modules", ".package-lock.json")))
            {
                return;
            }

            var install = await RunAsync("npm", ["ci", "--no-audit", "--no-fund"], TimeSpan.FromMinutes(5));
            Assert.True(install.ExitCode == 0, $"npm ci in {Folder} failed ({install.ExitCode}):\n{install.Output}");
        }
        finally
        {
            InstallLock.Release();
        }
    }

    public static async Task EnsureChromiumAsync()
    {
        await InstallLock.WaitAsync();
        try
        {
            if (File.Exists(Chromium))
            {
                return;
            }

            Assert.True(Environment.UserName == "root",
                $"The end-to-end tests need Chromium at {Chromium}: install it with `apt-get install -y chromium` (as root).");
            var install = await RunAsync("apt-get", ["install", "-y", "--no-install-recommends", "chromium"], TimeSpan.FromMinutes(8));
            if (install.ExitCode != 0)
            {
                // A machine whose package lists were never fetched knows no chromium package yet.
                await RunAsync("apt-get", ["update"], TimeSpan.FromMinutes(4));
                install = await RunAsync("apt-get", ["install", "-y", "--no-install-recommends", "chromium"], TimeSpan.FromMinutes(8));
            }

            Assert.True(install.ExitCode == 0 && File.Exists(Chromium), $"apt-get install chromium failed ({install.ExitCode}):\n{install.Output}");
        }
        finally
        {
            InstallLock.Release();
        }
    }

    /// <summary>Runs an installed tool (<c>node_modules/.bin/&lt;name&gt;</c>) in <see cref="Folder"/>.</summary>
    public static Task<ToolResult> ToolAsync(string name, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null, TimeSpan? timeout = null) =>
        RunAsync(Path.Combine(Folder, "node_modules", ".bin", name), arguments, timeout ?? TimeSpan.FromMinutes(10), environment);

    private static Task<ToolResult> RunAsync(string fileName, IEnumerable<string> arguments, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment = null)
    {
        var settings = new Dictionary<string, string>
        {
            ["CI"] = "true",
            ["PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD"] = "1",
            ["DEBIAN_FRONTEND"] = "noninteractive",
        };
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            settings[key] = value;
        }

        return ToolProcess.RunAsync(fileName, arguments, Folder, timeout, settings);
    }
}
