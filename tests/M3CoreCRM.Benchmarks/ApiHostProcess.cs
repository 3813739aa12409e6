using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace M3CoreCRM.Benchmarks;

/// <summary>The ApiHost as a real process on a free loopback port, against the given database, with rate limits lifted for load.</summary>
public sealed class ApiHostProcess : IAsyncDisposable
{
    private readonly Process _process;

    private ApiHostProcess(Process process, Uri address)
    {
        _process = process;
        Address = address;
    }

    public Uri Address { get; }

    public static async Task<ApiHostProcess> StartAsync(string connectionString, IReadOnlyDictionary<string, string>? settings = null)
    {
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        var address = new Uri($"http://127.0.0.1:{port}");
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "M3CoreCRM.ApiHost.dll"));
        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add(address.ToString());
        info.Environment["ConnectionStrings__Postgres"] = connectionString;
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        info.Environment["M3_DATA_DIR"] = Path.Combine(Path.GetTempPath(), $"m3-bench-api-{Guid.NewGuid():N}");
        info.Environment["RateLimits__AuthPerAddressPerMinute"] = "10000000";
        info.Environment["RateLimits__LoginPerAccountPer15Minutes"] = "10000000";
        info.Environment["RateLimits__TenantPerSecond"] = "10000000";
        info.Environment["RateLimits__UserPerSecond"] = "10000000";
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("The ApiHost did not start.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var host = new ApiHostProcess(process, address);
        using var http = new HttpClient { BaseAddress = address };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            try
            {
                if ((await http.GetAsync(new Uri("/health/ready", UriKind.Relative))).IsSuccessStatusCode)
                {
                    return host;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            if (process.HasExited)
            {
                break;
            }

            await Task.Delay(100);
        }

        await host.DisposeAsync();
        throw new InvalidOperationException("The ApiHost did not become ready within 60 s.");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
