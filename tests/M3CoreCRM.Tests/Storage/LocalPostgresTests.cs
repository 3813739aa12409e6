using System.Net;
using System.Net.Sockets;
using M3CoreCRM.Silo.Storage;
using Npgsql;

namespace M3CoreCRM.Tests.Storage;

/// <summary>
/// The PostgreSQL server the one-machine mode and the tests run in a folder of their own. Its port is chosen when the
/// folder is made; by the time the server starts, another process may hold it.
/// </summary>
public sealed class LocalPostgresTests
{
    [Fact]
    public async Task AServerWhosePortWasTakenWhileItWasDownStartsOnAnotherAndKeepsItsData()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"m3-localpg-{Guid.NewGuid():N}");
        int firstPort;
        await using (var first = await LocalPostgres.StartAsync(folder, durable: false, deleteOnStop: false, CancellationToken.None))
        {
            firstPort = first.Port;
            await ExecuteAsync(first.ConnectionString, "CREATE TABLE kept (id int); INSERT INTO kept VALUES (42)");
        }

        // Another process takes the port while the server is down.
        using var squatter = new TcpListener(IPAddress.Loopback, firstPort);
        squatter.Start();

        var second = await LocalPostgres.StartAsync(folder, durable: false, deleteOnStop: true, CancellationToken.None);
        await using (second)
        {
            Assert.NotEqual(firstPort, second.Port);
            await using var connection = new NpgsqlConnection(second.ConnectionString);
            await connection.OpenAsync();
            await using var read = new NpgsqlCommand("SELECT id FROM kept", connection);
            Assert.Equal(42, await read.ExecuteScalarAsync());
        }

        Assert.False(Directory.Exists(folder));
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
