using M3CoreCRM.Tests.Infrastructure;

namespace M3CoreCRM.Tests.OpenApi;

/// <summary>
/// The Node tools of <c>tests/openapi</c> (Redocly CLI, openapi-typescript, TypeScript), at the exact versions of its
/// package-lock.json. CI runs only <c>dotnet test</c> on a fresh clone, so the first use runs <c>npm ci</c> there
/// (into that folder only; nothing is installed system-wide). Needs <c>node</c> and <c>npm</c> on PATH.
/// </summary>
public static class NodeTools
{
    private static readonly SemaphoreSlim InstallLock = new(1, 1);

    /// <summary><c>tests/openapi</c> of this checkout.</summary>
    public static string Folder { get; } = ToolProcess.CheckoutFolder("tests", "openapi");

    public static async Task EnsureInstalledAsync()
    {
        await InstallLock.WaitAsync();
        try
        {
            if (File.Exists(Bin("redocly")) && File.Exists(Bin("openapi-typescript")) && File.Exists(Bin("tsc")))
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

    /// <summary>Runs an installed tool (<c>node_modules/.bin/&lt;name&gt;</c>) with <see cref="Folder"/> as working directory.</summary>
    public static Task<ToolResult> ToolAsync(string name, params string[] arguments) =>
        RunAsync(Bin(name), arguments, TimeSpan.FromMinutes(3));

    private static string Bin(string name) => Path.Combine(Folder, "node_modules", ".bin", name);

    // No telemetry or update checks from the tools.
    private static Task<ToolResult> RunAsync(string fileName, IEnumerable<string> arguments, TimeSpan timeout) =>
        ToolProcess.RunAsync(fileName, arguments, Folder, timeout, new Dictionary<string, string>
        {
            ["REDOCLY_TELEMETRY"] = "off",
            ["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true",
        });
}
