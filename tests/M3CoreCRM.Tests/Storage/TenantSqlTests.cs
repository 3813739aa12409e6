using M3CoreCRM.Grains.Persistence;
using M3CoreCRM.Tests.Infrastructure;
using Npgsql;

namespace M3CoreCRM.Tests.Storage;

/// <summary>
/// A tenant-scoped read gives its connection back to the pool however it ends. The statement runs second in its
/// batch (after the tenant setting), so PostgreSQL's refusal of it arrives after the reader is open; a reader
/// left open there kept the connection rented for the life of the process.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class TenantSqlTests(PostgresFixture postgres)
{
    [Fact]
    public async Task AReadThePostgresRefusesGivesItsConnectionBack()
    {
        await using var db = await OneConnectionPoolAsync();
        var tenant = Guid.CreateVersion7();

        for (var attempt = 0; attempt < 3; attempt++)
        {
            await using var refused = db.ForTenant(tenant);
            refused.Add("SELECT 1 / $1").With(0);
            var exception = await Assert.ThrowsAsync<PostgresException>(() => refused.ScalarAsync(CancellationToken.None));
            Assert.Equal(PostgresErrorCodes.DivisionByZero, exception.SqlState);
        }

        await using var answered = db.ForTenant(tenant);
        answered.Add("SELECT 7");
        Assert.Equal(7, await answered.ScalarAsync(CancellationToken.None));
    }

    [Fact]
    public async Task AReadCancelledWhileItRunsGivesItsConnectionBack()
    {
        await using var db = await OneConnectionPoolAsync();
        var tenant = Guid.CreateVersion7();

        for (var attempt = 0; attempt < 3; attempt++)
        {
            using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
            await using var slow = db.ForTenant(tenant);
            slow.Add("SELECT pg_sleep(30)");
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => slow.ScalarAsync(cancel.Token));
        }

        await using var answered = db.ForTenant(tenant);
        answered.Add("SELECT 7");
        Assert.Equal(7, await answered.ScalarAsync(CancellationToken.None));
    }

    // One connection, and a short wait for it: a connection that is not given back fails the next read at once.
    private async Task<NpgsqlDataSource> OneConnectionPoolAsync()
    {
        var connectionString = new NpgsqlConnectionStringBuilder(await postgres.Server.CreateDatabaseAsync("tenant_sql"))
        {
            MaxPoolSize = 1,
            Timeout = 3,
        };
        return NpgsqlDataSource.Create(connectionString);
    }
}
