using M3CoreCRM.Grains.Abstractions.Events;
using M3CoreCRM.Grains.Abstractions.Tenancy;
using M3CoreCRM.Grains.Persistence;
using M3CoreCRM.Testing;
using M3CoreCRM.Testing.Grains;
using Npgsql;

namespace M3CoreCRM.Benchmarks;

/// <summary>
/// Grain calls in-process against their yardsticks, in one run on one database:
/// read-only grain calls against direct calls of the same method on a plain object (the cost of
/// the runtime itself), and state-changing grain calls against raw single-row Npgsql updates at
/// the same concurrency (the commit ceiling of this machine's PostgreSQL).
/// </summary>
public sealed class RuntimeBenchmark(TimeSpan duration, int readWorkers, int writeWorkers)
{
    public async Task<RuntimeReport> RunAsync(string connectionString)
    {
        await using var silo = await TestSilo.StartAsync(connectionString);
        var tenant = Guid.CreateVersion7();

        var readGrains = Enumerable.Range(0, readWorkers).Select(_ => silo.Grains.GetGrain<ICounterGrain>(tenant, Guid.CreateVersion7())).ToArray();
        var plain = Enumerable.Range(0, readWorkers).Select(_ => new PlainCounter()).ToArray();
        var direct = await Load.MeasureAsync("direct call (yardstick)", readWorkers, duration, w => () => new ValueTask(plain[w].GetAsync()));
        var reads = await Load.MeasureAsync("grain read call", readWorkers, duration, w => () => new ValueTask(readGrains[w].GetAsync()));

        await PrepareRawRowsAsync(silo.DataSource, writeWorkers);
        var raw = await Load.MeasureAsync("raw PostgreSQL update (yardstick)", writeWorkers, duration, w => () => RawUpdateAsync(silo.DataSource, w));

        var writeGrains = Enumerable.Range(0, writeWorkers).Select(_ => silo.Grains.GetGrain<ICounterGrain>(tenant, Guid.CreateVersion7())).ToArray();
        var acknowledged = new long[writeWorkers];
        var writes = await Load.MeasureAsync("grain write call", writeWorkers, duration, w => async () =>
        {
            await writeGrains[w].IncrementAsync();
            acknowledged[w]++;
        });

        // Each worker in a tenant of its own: every write also wakes a relay of its own.
        var eventGrains = Enumerable.Range(0, writeWorkers).Select(_ => silo.Grains.GetGrain<ICounterGrain>(Guid.CreateVersion7(), Guid.CreateVersion7())).ToArray();
        var eventWrites = await Load.MeasureAsync("grain write + event, tenant per worker", writeWorkers, duration, w => () => new ValueTask(eventGrains[w].IncrementWithEventAsync()));

        // All workers in one tenant: their events are numbered by the tenant's relay after they commit, not in their transactions.
        var sharedTenant = Guid.CreateVersion7();
        var sharedGrains = Enumerable.Range(0, writeWorkers).Select(_ => silo.Grains.GetGrain<ICounterGrain>(sharedTenant, Guid.CreateVersion7())).ToArray();
        var sharedEventWrites = await Load.MeasureAsync("grain write + event, one tenant", writeWorkers, duration, w => () => new ValueTask(sharedGrains[w].IncrementWithEventAsync()));

        var lost = await CountLostWritesAsync(silo.DataSource, tenant, writeGrains.Select(g => g.GetPrimaryKey(out _)).ToArray(), acknowledged);
        await silo.Grains.GetGrain<IEventRelayGrain>(sharedTenant, sharedTenant).PublishAsync();
        var gaps = await CountSequenceGapsAsync(silo.DataSource, sharedTenant);
        return new RuntimeReport(direct, reads, raw, writes, eventWrites, sharedEventWrites, lost, gaps);
    }

    private static async Task PrepareRawRowsAsync(NpgsqlDataSource dataSource, int rows)
    {
        await using (var create = dataSource.CreateCommand("DROP TABLE IF EXISTS bench_rows; CREATE TABLE bench_rows (id int PRIMARY KEY, n bigint NOT NULL)"))
        {
            await create.ExecuteNonQueryAsync();
        }

        await using var fill = dataSource.CreateCommand("INSERT INTO bench_rows SELECT g, 0 FROM generate_series(0, $1) g");
        fill.Parameters.AddWithValue(rows);
        await fill.ExecuteNonQueryAsync();
    }

    private static async ValueTask RawUpdateAsync(NpgsqlDataSource dataSource, int row)
    {
        await using var command = dataSource.CreateCommand("UPDATE bench_rows SET n = n + 1 WHERE id = $1");
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = row });
        await command.ExecuteNonQueryAsync();
    }

    // Every acknowledged increment must be in the stored value (it may hold more: a write can commit after its caller gave up).
    private static async Task<long> CountLostWritesAsync(NpgsqlDataSource dataSource, Guid tenant, Guid[] keys, long[] acknowledged)
    {
        long lost = 0;
        for (var i = 0; i < keys.Length; i++)
        {
            await using var command = dataSource.CreateCommand($"SELECT value FROM {TestSchema.CounterTable} WHERE tenant_id = $1 AND id = $2");
            command.Parameters.AddWithValue(tenant);
            command.Parameters.AddWithValue(keys[i]);
            var stored = await command.ExecuteScalarAsync() as long? ?? 0;
            lost += Math.Max(0, acknowledged[i] - stored);
        }

        return lost;
    }

    private static async Task<long> CountSequenceGapsAsync(NpgsqlDataSource dataSource, Guid tenant)
    {
        await using var batch = dataSource.ForTenant(tenant);
        batch.Add("SELECT count(*), coalesce(max(seq) - count(seq), 0) + (count(*) - count(seq)) FROM events WHERE tenant_id = $1").With(tenant);
        await using var reader = await batch.ReadAsync(CancellationToken.None);
        await reader.ReadAsync();

        // No events at all would hide a broken check: count that as a gap.
        return reader.GetInt64(0) == 0 ? 1 : reader.GetInt64(1);
    }

    private sealed class PlainCounter
    {
        private readonly long _value = Random.Shared.NextInt64(1000);

        public Task<long> GetAsync() => Task.FromResult(Volatile.Read(in _value));
    }
}

public sealed record RuntimeReport(
    Measurement DirectCalls,
    Measurement GrainReads,
    Measurement RawUpdates,
    Measurement GrainWrites,
    Measurement GrainWritesWithEvents,
    Measurement GrainWritesWithEventsOneTenant,
    long LostWrites,
    long SequenceGaps);
