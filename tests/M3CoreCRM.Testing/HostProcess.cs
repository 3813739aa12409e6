using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace M3CoreCRM.Testing;

/// <summary>
/// One of the project's executables (ApiHost, Silo) as a real process on a free loopback port,
/// started from this build's output and awaited until <c>/health/ready</c> answers.
/// </summary>
public sealed class HostProcess : IAsyncDisposable
{
    private readonly Process _process;

    private HostProcess(Process process, Uri address)
    {
        _process = process;
        Address = address;
    }

    public Uri Address { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>The operating system's process id.</summary>
    public int Id => _process.Id;

    /// <summary>The CPU time the process has used so far, user and system.</summary>
    public TimeSpan ProcessorTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    /// <param name="assembly">The executable's assembly name, e.g. <c>M3CoreCRM.Silo</c>.</param>
    /// <param name="environment">Settings in environment form (<c>Orleans__SiloPort</c>).</param>
    /// <param name="awaitedPath">What must answer 200 before the process counts as started.</param>
    public static async Task<HostProcess> StartAsync(string assembly, IReadOnlyDictionary<string, string> environment, string awaitedPath = "/health/ready")
    {
        var port = OrleansTestSettings.FreePort();
        var address = new Uri($"http://127.0.0.1:{port}");
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, assembly + ".dll"));
        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add(address.ToString().TrimEnd('/'));
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in OrleansTestSettings.ForSilo())
        {
            info.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        info.Environment["Orleans__GatewayPort"] = OrleansTestSettings.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture);
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException($"{assembly} did not start.");
        var errors = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) =>
        {
            lock (errors)
            {
                errors.AppendLine(e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var host = new HostProcess(process, address);
        using var http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(60) && !process.HasExited)
        {
            try
            {
                if ((await http.GetAsync(new Uri(awaitedPath, UriKind.Relative))).IsSuccessStatusCode)
                {
                    return host;
                }
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }

            await Task.Delay(100);
        }

        await host.DisposeAsync();
        lock (errors)
        {
            throw new InvalidOperationException($"{assembly} did not become ready within 60 s. {errors}");
        }
    }

    /// <summary>SIGKILL: no shutdown of any kind.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    /// <summary>SIGTERM, as an orchestrator stops a process; waits for it to exit and returns its exit code.</summary>
    public async Task<int> TerminateAsync(TimeSpan timeout)
    {
        if (!_process.HasExited && SendSignal(_process.Id, SigTerm) != 0)
        {
            throw new InvalidOperationException($"SIGTERM to {_process.Id} failed: errno {Marshal.GetLastPInvokeError()}.");
        }

        using var waiting = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(waiting.Token);
        return _process.ExitCode;
    }

    private const int SigTerm = 15;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }
}
