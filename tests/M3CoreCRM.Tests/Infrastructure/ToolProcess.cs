using System.Diagnostics;
using System.Text;

namespace M3CoreCRM.Tests.Infrastructure;

/// <summary>What a tool the tests run wrote: its standard output alone, and both its streams as they came.</summary>
public sealed record ToolResult(int ExitCode, string StandardOutput, string Output);

/// <summary>The command-line tools the tests run (npm, the Node tools, apt-get): started in a folder of this checkout, without colours, with a deadline.</summary>
public static class ToolProcess
{
    /// <summary>A folder of this checkout, by its path under the folder that holds <c>M3CoreCRM.sln</c>.</summary>
    public static string CheckoutFolder(params string[] parts)
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "M3CoreCRM.sln")))
            {
                return Path.Combine([directory.FullName, .. parts]);
            }
        }

        throw new InvalidOperationException($"No M3CoreCRM.sln above {AppContext.BaseDirectory}.");
    }

    /// <summary>Runs <paramref name="fileName"/> in <paramref name="workingDirectory"/>, with its standard input closed; killed with its children past <paramref name="timeout"/>.</summary>
    public static async Task<ToolResult> RunAsync(
        string fileName, IEnumerable<string> arguments, string workingDirectory, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["NO_COLOR"] = "1";
        info.Environment["FORCE_COLOR"] = "0";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        Process process;
        try
        {
            process = Process.Start(info) ?? throw new InvalidOperationException($"{fileName} did not start.");
        }
        catch (System.ComponentModel.Win32Exception exception)
        {
            throw new InvalidOperationException($"{fileName} could not be started ({exception.Message}); the tests that use it need Node.js (20.19+ on 20, or 22.12+) and npm on PATH.", exception);
        }

        using (process)
        {
            process.StandardInput.Close();
            var standardOutput = new StringBuilder();
            var output = new StringBuilder();
            void Append(string? line, bool isStandardOutput)
            {
                if (line is null)
                {
                    return;
                }

                lock (output)
                {
                    output.AppendLine(line);
                    if (isStandardOutput)
                    {
                        standardOutput.AppendLine(line);
                    }
                }
            }

            process.OutputDataReceived += (_, e) => Append(e.Data, true);
            process.ErrorDataReceived += (_, e) => Append(e.Data, false);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            using var cancel = new CancellationTokenSource(timeout);
            try
            {
                await process.WaitForExitAsync(cancel.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"{fileName} {string.Join(' ', arguments)} did not finish within {timeout}:\n{output}");
            }

            // WaitForExitAsync returns once the process and its redirected streams have closed.
            lock (output)
            {
                return new ToolResult(process.ExitCode, standardOutput.ToString(), output.ToString());
            }
        }
    }
}
