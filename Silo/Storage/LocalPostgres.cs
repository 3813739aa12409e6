using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using M3CoreCRM.Silo.Hosting;
using Npgsql;

namespace M3CoreCRM.Silo.Storage;

/// <summary>
/// A PostgreSQL server of our own in a folder: used by the one-machine mode when no
/// connection string is configured, and by the tests. It runs the machine's PostgreSQL
/// binaries; PostgreSQL refuses to run as root, so as root it runs them as the
/// <c>postgres</c> system user on a folder that user owns.
/// </summary>
public sealed class LocalPostgres : IAsyncDisposable
{
    private const string DatabaseName = "m3crm";
    private const string SuperUser = "m3";

    // The system connects as this role: not a superuser, so row-level security applies to it.
    private const string AppUser = "m3_app";

    private readonly string _dataDirectory;
    private readonly string _binDirectory;
    private readonly bool _startedHere;
    private readonly bool _deleteOnStop;
    private readonly string _password;
    private int _stopped;

    private LocalPostgres(string rootDirectory, string binDirectory, int port, string password, bool startedHere, bool deleteOnStop)
    {
        RootDirectory = rootDirectory;
        _dataDirectory = Path.Combine(rootDirectory, "pgdata");
        _binDirectory = binDirectory;
        Port = port;
        _startedHere = startedHere;
        _deleteOnStop = deleteOnStop;
        _password = password;
        AdminConnectionString = Build(port, SuperUser, password, "postgres");
        ConnectionString = Build(port, AppUser, password, DatabaseName);
    }

    public string RootDirectory { get; }

    public int Port { get; }

    /// <summary>Connection string of the application database, as the application role (which can also create databases).</summary>
    public string ConnectionString { get; }

    /// <summary>Connection string of the <c>postgres</c> maintenance database (for creating databases).</summary>
    public string AdminConnectionString { get; }

    /// <summary>
    /// Starts (creating it first when new) the server whose files live in <paramref name="rootDirectory"/>,
    /// or attaches to it when it is already running. <paramref name="durable"/> false turns fsync off: for throwaway test servers only.
    /// </summary>
    public static async Task<LocalPostgres> StartAsync(string rootDirectory, bool durable, bool deleteOnStop, CancellationToken cancellationToken)
    {
        var bin = FindBinDirectory();
        rootDirectory = Path.GetFullPath(rootDirectory);
        Directory.CreateDirectory(rootDirectory);
        var dataDirectory = Path.Combine(rootDirectory, "pgdata");
        var passwordFile = Path.Combine(rootDirectory, "password");
        var portFile = Path.Combine(rootDirectory, "port");

        if (!File.Exists(Path.Combine(dataDirectory, "PG_VERSION")))
        {
            await InitializeAsync(bin, rootDirectory, dataDirectory, passwordFile, portFile, durable, cancellationToken);
        }

        var password = (await File.ReadAllTextAsync(passwordFile, cancellationToken)).Trim();
        var port = int.Parse((await File.ReadAllTextAsync(portFile, cancellationToken)).Trim());

        var status = await RunAsync(bin, "pg_ctl", ["status", "-D", dataDirectory], cancellationToken);
        var startedHere = false;
        if (status.ExitCode != 0)
        {
            port = await StartServerAsync(bin, dataDirectory, portFile, port, cancellationToken);
            startedHere = true;
        }

        var server = new LocalPostgres(rootDirectory, bin, port, password, startedHere, deleteOnStop);
        await server.EnsureAppRoleAsync(cancellationToken);
        await server.EnsureDatabaseAsync(DatabaseName, cancellationToken);
        return server;
    }

    /// <summary>
    /// Starts the postmaster. A port found free when the folder was made may be taken by the time the server starts
    /// (another server, a silo, an outgoing connection), so a start that fails to bind moves to another free port
    /// and tries again. Returns the port the server listens on.
    /// </summary>
    private static async Task<int> StartServerAsync(string bin, string dataDirectory, string portFile, int port, CancellationToken cancellationToken)
    {
        const int attempts = 5;
        var log = Path.Combine(dataDirectory, "server.log");
        for (var attempt = 1; ; attempt++)
        {
            var logLengthBefore = File.Exists(log) ? new FileInfo(log).Length : 0;
            var start = await RunAsync(bin, "pg_ctl", ["start", "-D", dataDirectory, "-w", "-t", "60", "-s", "-l", log], cancellationToken);
            if (start.ExitCode == 0)
            {
                return port;
            }

            var logTail = await ReadLogSinceAsync(log, logLengthBefore, cancellationToken);
            var portTaken = logTail.Contains("could not bind", StringComparison.OrdinalIgnoreCase)
                || logTail.Contains("Address already in use", StringComparison.OrdinalIgnoreCase);
            if (!portTaken || attempt == attempts)
            {
                throw new InvalidOperationException($"PostgreSQL did not start in {dataDirectory} (port {port}): {start.Output}. Its log ends: {logTail}");
            }

            port = FreePort();
            await File.WriteAllTextAsync(portFile, port.ToString(CultureInfo.InvariantCulture), cancellationToken);

            // The last setting in postgresql.conf wins.
            await File.AppendAllLinesAsync(Path.Combine(dataDirectory, "postgresql.conf"), [$"port = {port}"], cancellationToken);
        }
    }

    private static async Task<string> ReadLogSinceAsync(string log, long offset, CancellationToken cancellationToken)
    {
        if (!File.Exists(log))
        {
            return "(no log was written)";
        }

        var text = await File.ReadAllTextAsync(log, cancellationToken);
        var since = offset <= text.Length ? text[(int)offset..] : text;
        return since.Length > 2_000 ? since[^2_000..].Trim() : since.Trim();
    }

    /// <summary>Creates an empty database on this server and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string name, CancellationToken cancellationToken)
    {
        await EnsureDatabaseAsync(name, cancellationToken);
        return new NpgsqlConnectionStringBuilder(ConnectionString) { Database = name }.ConnectionString;
    }

    /// <summary>
    /// Stops the server (fast shutdown: sessions are ended, nothing committed is lost) and starts it again after
    /// <paramref name="downFor"/>: for fault drills against a server this object started.
    /// </summary>
    public async Task RestartAsync(TimeSpan downFor, CancellationToken cancellationToken)
    {
        if (!_startedHere)
        {
            throw new InvalidOperationException("Only a server this object started may be restarted by it.");
        }

        await RunAsync(_binDirectory, "pg_ctl", ["stop", "-D", _dataDirectory, "-w", "-s", "-m", "fast"], cancellationToken);
        await Task.Delay(downFor, cancellationToken);
        var start = await RunAsync(_binDirectory, "pg_ctl", ["start", "-D", _dataDirectory, "-w", "-t", "60", "-s", "-l", Path.Combine(_dataDirectory, "server.log")], cancellationToken);
        if (start.ExitCode != 0)
        {
            throw new InvalidOperationException($"PostgreSQL did not start again in {_dataDirectory}: {start.Output}");
        }

        // This process's pooled connections died with the old server; other processes find theirs broken on use.
        NpgsqlConnection.ClearAllPools();
    }

    /// <summary>Stops the server if this object started it (never a server that another process started).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1 || !_startedHere)
        {
            return;
        }

        NpgsqlConnection.ClearAllPools();
        await RunAsync(_binDirectory, "pg_ctl", ["stop", "-D", _dataDirectory, "-w", "-s", "-m", _deleteOnStop ? "immediate" : "fast"], CancellationToken.None);
        if (_deleteOnStop)
        {
            Directory.Delete(RootDirectory, recursive: true);
        }
    }

    private async Task EnsureAppRoleAsync(CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var exists = new NpgsqlCommand($"SELECT 1 FROM pg_roles WHERE rolname = '{AppUser}'", connection);
        if (await exists.ExecuteScalarAsync(cancellationToken) is null)
        {
            // The password is hex from our own generator: safe inside the literal.
            await using var create = new NpgsqlCommand($"CREATE ROLE {AppUser} LOGIN CREATEDB NOSUPERUSER NOBYPASSRLS PASSWORD '{_password}'", connection);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private async Task EnsureDatabaseAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", connection);
        exists.Parameters.Add(new() { Value = name });
        if (await exists.ExecuteScalarAsync(cancellationToken) is null)
        {
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name.Replace("\"", "\"\"", StringComparison.Ordinal)}\" OWNER {AppUser}", connection);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private static async Task InitializeAsync(string bin, string rootDirectory, string dataDirectory, string passwordFile, string portFile, bool durable, CancellationToken cancellationToken)
    {
        if (Directory.Exists(dataDirectory))
        {
            Directory.Delete(dataDirectory, recursive: true);
        }

        Directory.CreateDirectory(dataDirectory);
        var password = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        await File.WriteAllTextAsync(passwordFile, password, cancellationToken);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(passwordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        await File.WriteAllTextAsync(portFile, FreePort().ToString(CultureInfo.InvariantCulture), cancellationToken);

        // initdb reads the password from a file that the user it runs as can read.
        var initPasswordFile = Path.Combine(dataDirectory, "..", $"initpw-{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(initPasswordFile, password, cancellationToken);
        try
        {
            if (Environment.IsPrivilegedProcess)
            {
                await ChownAsync(rootDirectory, cancellationToken);
                await ChownAsync(dataDirectory, cancellationToken);
                await ChownAsync(initPasswordFile, cancellationToken);
            }

            var init = await RunAsync(bin, "initdb",
                ["-D", dataDirectory, "-U", SuperUser, "--pwfile", initPasswordFile, "-A", "scram-sha-256", "-E", "UTF8", "--no-locale", "--no-sync"],
                cancellationToken);
            if (init.ExitCode != 0)
            {
                throw new InvalidOperationException($"initdb failed in {dataDirectory}: {init.Output}");
            }
        }
        finally
        {
            File.Delete(initPasswordFile);
        }

        var port = await File.ReadAllTextAsync(portFile, cancellationToken);
        var settings = new List<string>
        {
            "# Written by M3CoreCRM's LocalPostgres.",
            $"port = {port.Trim()}",
            "listen_addresses = '127.0.0.1'",
            "unix_socket_directories = ''",
            "max_connections = 300",
            "shared_buffers = 256MB",
            "logging_collector = off",
        };
        if (!durable)
        {
            settings.AddRange(["fsync = off", "synchronous_commit = off", "full_page_writes = off"]);
        }

        await File.AppendAllLinesAsync(Path.Combine(dataDirectory, "postgresql.conf"), settings, cancellationToken);
    }

    /// <summary>The server's band of ports; the test hosts' is 10000-19999 (<c>OrleansTestSettings.FreePort</c>).</summary>
    private static int FreePort() => FreePorts.InBand(20_000, 32_000);

    private static async Task ChownAsync(string path, CancellationToken cancellationToken)
    {
        var result = await RunProcessAsync("chown", ["postgres:postgres", path], cancellationToken);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"Running as root, PostgreSQL must run as the 'postgres' system user, but {path} could not be given to it: {result.Output}");
        }
    }

    private static Task<(int ExitCode, string Output)> RunAsync(string bin, string tool, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var executable = Path.Combine(bin, tool);
        return Environment.IsPrivilegedProcess
            ? RunProcessAsync("runuser", ["-u", "postgres", "--", executable, .. arguments], cancellationToken)
            : RunProcessAsync(executable, arguments, cancellationToken);
    }

    private static async Task<(int ExitCode, string Output)> RunProcessAsync(string fileName, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return (process.ExitCode, ((await stdout) + (await stderr)).Trim());
    }

    private static string FindBinDirectory()
    {
        var candidates = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Concat(Directory.Exists("/usr/lib/postgresql")
                ? Directory.GetDirectories("/usr/lib/postgresql").OrderDescending().Select(d => Path.Combine(d, "bin"))
                : []);
        return candidates.FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "pg_ctl")))
            ?? throw new InvalidOperationException(
                "PostgreSQL server binaries (initdb, pg_ctl) were not found on PATH or under /usr/lib/postgresql/*/bin. " +
                "Install PostgreSQL 15 (apt-get install postgresql), or point the system at a running server with ConnectionStrings__Postgres (tests: M3_TEST_POSTGRES).");
    }

    private static string Build(int port, string user, string password, string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = port,
        Username = user,
        Password = password,
        Database = database,
        MaxPoolSize = 100,
    }.ConnectionString;
}
