using System.Diagnostics;
using M3CoreCRM.Grains.Abstractions.Tenancy;
using M3CoreCRM.Testing;
using M3CoreCRM.Testing.Grains;
using M3CoreCRM.Tests.Infrastructure;
using Npgsql;

namespace M3CoreCRM.Tests.Storage;

/// <summary>A silo that stops or is killed: acknowledged writes and pending reminders outlive it.</summary>
[Collection(PostgresCollection.Name)]
public sealed class SiloRestartTests(PostgresFixture postgres) : IAsyncLifetime
{
    private readonly Guid _tenant = Guid.CreateVersion7();
    private string _database = "";
    private TestSilo? _silo;

    private TestSilo Silo => _silo!;

    public async Task InitializeAsync()
    {
        _database = await postgres.Server.CreateDatabaseAsync("restart");
        _silo = await TestSilo.StartAsync(_database);
    }

    public async Task DisposeAsync() => await Silo.DisposeAsync();

    [Fact]
    public async Task ReminderDueWhileTheSiloWasDownFiresAfterRestart()
    {
        var key = Guid.CreateVersion7();
        await Silo.Grains.GetGrain<ICounterGrain>(_tenant, key).SetReminderAsync(TimeSpan.FromSeconds(2));
        await Silo.DisposeAsync();
        Assert.Equal(0, await StoredRemindersFiredAsync(key));
        Assert.Equal(1, await ReminderRowsAsync(key));
        await Eventually.TrueAsync(() => DueAtAsync(key).GetAwaiter().GetResult() < DateTimeOffset.UtcNow);

        _silo = await TestSilo.StartAsync(_database);

        var fired = await Eventually.ReturnsAsync(() => StoredRemindersFiredAsync(key), n => n >= 1);
        Assert.Equal(1, fired);
        await Eventually.ReturnsAsync(() => ReminderRowsAsync(key), rows => rows == 0);
    }


    [Fact]
    public async Task ProcessKilledAfterAWriteReturnedHasTheWriteOnRestart()
    {
        var key = Guid.CreateVersion7();
        var probePath = Path.Combine(AppContext.BaseDirectory, "M3CoreCRM.SiloProbe.dll");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { probePath, _database, _tenant.ToString(), key.ToString() })
        {
            info.ArgumentList.Add(argument);
        }

        using var probe = Process.Start(info)!;
        long acknowledged = 0;
        try
        {
            while (acknowledged < 25 && await probe.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60)) is { } line)
            {
                if (line.StartsWith("acknowledged ", StringComparison.Ordinal))
                {
                    acknowledged = long.Parse(line["acknowledged ".Length..]);
                }
            }
        }
        finally
        {
            probe.Kill(entireProcessTree: true); // SIGKILL: no shutdown, no flush.
            await probe.WaitForExitAsync();
        }

        Assert.True(acknowledged >= 25, $"The probe acknowledged only {acknowledged} writes. {await probe.StandardError.ReadToEndAsync()}");
        var stored = await Silo.Grains.GetGrain<ICounterGrain>(_tenant, key).GetAsync();
        Assert.True(stored >= acknowledged, $"Acknowledged {acknowledged} but {stored} is stored.");
    }


    private async Task<int> StoredRemindersFiredAsync(Guid key)
    {
        await using var dataSource = NpgsqlDataSource.Create(_database);
        await using var command = dataSource.CreateCommand($"SELECT coalesce((state ->> 'remindersFired')::int, 0) FROM {TestSchema.CounterTable} WHERE tenant_id = $1 AND id = $2");
        command.Parameters.AddWithValue(_tenant);
        command.Parameters.AddWithValue(key);
        return await command.ExecuteScalarAsync() is int fired ? fired : 0;
    }


    private async Task<DateTimeOffset> DueAtAsync(Guid key)
    {
        await using var dataSource = NpgsqlDataSource.Create(_database);
        await using var command = dataSource.CreateCommand("SELECT starttime FROM orleansreminderstable WHERE grainid = $1");
        command.Parameters.AddWithValue(OrleansTestSettings.GrainIdOf("test_counter", _tenant, key).ToString());
        return new DateTimeOffset((DateTime)(await command.ExecuteScalarAsync())!, TimeSpan.Zero);
    }


    private async Task<long> ReminderRowsAsync(Guid key)
    {
        await using var dataSource = NpgsqlDataSource.Create(_database);
        await using var command = dataSource.CreateCommand("SELECT count(*) FROM orleansreminderstable WHERE grainid = $1");
        command.Parameters.AddWithValue(OrleansTestSettings.GrainIdOf("test_counter", _tenant, key).ToString());
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
