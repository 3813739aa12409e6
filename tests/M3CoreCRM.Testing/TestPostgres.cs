using M3CoreCRM.Silo.Storage;
using Npgsql;

namespace M3CoreCRM.Testing;

/// <summary>
/// The PostgreSQL server of a test run: a throwaway server in a temporary folder (fsync off),
/// or the server named by <c>M3_TEST_POSTGRES</c> when that is set. Each user asks it for
/// databases of its own, so test collections never see each other's rows.
/// </summary>
public sealed class TestPostgres : IAsyncDisposable
{
    public const string EnvironmentVariable = "M3_TEST_POSTGRES";

    private readonly LocalPostgres? _local;
    private readonly string _baseConnectionString;

    private TestPostgres(LocalPostgres? local, string baseConnectionString)
    {
        _local = local;
        _baseConnectionString = baseConnectionString;
    }

    public static async Task<TestPostgres> StartAsync()
    {
        var external = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(external))
        {
            return new TestPostgres(null, external);
        }

        var folder = Path.Combine(Path.GetTempPath(), $"m3-test-pg-{Guid.NewGuid():N}");
        try
        {
            var local = await LocalPostgres.StartAsync(folder, durable: false, deleteOnStop: true, CancellationToken.None);
            return new TestPostgres(local, local.ConnectionString);
        }
        catch (Exception exception)
        {
            throw new InvalidOperationException(
                $"The tests need PostgreSQL: set {EnvironmentVariable} to a server's connection string, or install PostgreSQL 15 so that initdb and pg_ctl are found. {exception.Message}",
                exception);
        }
    }

    /// <summary>A new, empty database on the test server.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix)
    {
        var name = $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 33, 63)];
        await using var connection = new NpgsqlConnection(_baseConnectionString);
        await connection.OpenAsync();
        await using (var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection))
        {
            await create.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(_baseConnectionString) { Database = name, MaxPoolSize = 200 }.ConnectionString;
    }

    /// <summary>A connection string whose server does not answer: for outage tests.</summary>
    public static string Unreachable() => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = 1,
        Username = "nobody",
        Password = "nothing",
        Database = "none",
        Timeout = 1,
    }.ConnectionString;

    public async ValueTask DisposeAsync()
    {
        if (_local is not null)
        {
            await _local.DisposeAsync();
        }
    }
}
