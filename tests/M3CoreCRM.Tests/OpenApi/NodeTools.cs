using System.Diagnostics;
using System.Text;

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
    public static string Folder { get; } = FindFolder();

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
    public static Task<(int ExitCode, string StandardOutput, string Output)> ToolAsync(string name, params string[] arguments) =>
        RunAsync(Bin(name), arguments, TimeSpan.FromMinutes(3));

    private static string Bin(string name) => Path.Combine(Folder, "node_modules", ".bin", name);

    private static async Task<(int ExitCode, string StandardOutput, string Output)> RunAsync(string fileName, IEnumerable<string> arguments, TimeSpan timeout)
    {
        var info = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = Folder,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        // No telemetry, update checks or colours from the tools.
        info.Environment["REDOCLY_TELEMETRY"] = "off";
        info.Environment["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true";
        info.Environment["NO_COLOR"] = "1";
        info.Environment["FORCE_COLOR"] = "0";

        Process process;
        try
        {
            process = Process.Start(info) ?? throw new InvalidOperationException($"{fileName} did not start.");
        }
        catch (System.ComponentModel.Win32Exception exception)
        {
            throw new InvalidOperationException($"{fileName} could not be started ({exception.Message}); the OpenAPI checks need Node.js (20.19+ on 20, or 22.12+) and npm on PATH.", exception);
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var cancel = new CancellationTokenSource(timeout);
            try
            {
                await process.WaitForExitAsync(cancel.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"{fileName} {string.Join(' ', arguments)} did not finish within {timeout}.");
            }

            var output = new StringBuilder().Append(await stdout).AppendLine().Append(await stderr).ToString();
            return (process.ExitCode, await stdout, output);
        }
    }

    private static string FindFolder()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "M3CoreCRM.sln")))
            {
                return Path.Combine(directory.FullName, "tests", "openapi");
            }
        }

        throw new InvalidOperationException($"No M3CoreCRM.sln above {AppContext.BaseDirectory}.");
    }
}
