using System.Collections.Concurrent;
using System.Text.Json;
using M3CoreCRM.Grains.Abstractions.Events;
using M3CoreCRM.Grains.Abstractions.Tenancy;
using M3CoreCRM.Grains.Persistence;
using M3CoreCRM.Testing.Grains;
using M3CoreCRM.Tests.Infrastructure;
using Npgsql;

namespace M3CoreCRM.Tests.Storage;

/// <summary>
/// The guarantees of a tenant's event positions (migration 0015, <c>EventPublisher</c>) while many writers of one
/// tenant commit at once, some of them late: no gap, no repeat, no reorder, nothing skipped, for readers resuming
/// anywhere.
/// </summary>
public sealed class EventPositionTests(CrmClusterFixture cluster) : IClassFixture<CrmClusterFixture>
{
    private const int Writers = 32;
    private const int TransactionsPerWriter = 60;
    private const int GrainWriters = 4;
    private const int GrainWritesEach = 40;
    private const int Readers = 4;

    [Fact]
    public async Task ReadersResumingAnywhereSeeEveryCommittedEventOnceInOrderWhileWritersCommitLate()
    {
        var tenant = Guid.CreateVersion7();
        var relay = cluster.Grains.GetGrain<IEventRelayGrain>(tenant, tenant);
        var committed = new ConcurrentDictionary<string, byte>();
        var rolledBack = new ConcurrentDictionary<string, byte>();
        var positionOf = new ConcurrentDictionary<string, long>();
        var eventAt = new ConcurrentDictionary<long, string>();
        var failures = new ConcurrentQueue<string>();
        using var writing = new CancellationTokenSource();

        // Readers: from a random position at or below the furthest they have seen, read to the end in pages, and check
        // each page against what every reader saw before. Positions must follow on one by one, and a position must
        // always name the same event, and an event always sit at the same position.
        var readers = Enumerable.Range(0, Readers).Select(r => Task.Run(async () =>
        {
            var random = new Random(r);
            long furthest = 0;
            var passes = 0;
            while (!writing.IsCancellationRequested || passes == 0)
            {
                var position = (long)random.NextInt64(furthest + 1);
                while (true)
                {
                    var page = await cluster.EventLog.ReadAsync(tenant, position, 1 + random.Next(300), CancellationToken.None);
                    foreach (var e in page)
                    {
                        var key = KeyOf(e);
                        if (e.Sequence != position + 1)
                        {
                            failures.Enqueue($"reader {r}: after {position} came {e.Sequence}");
                        }

                        if (eventAt.GetOrAdd(e.Sequence, key) != key)
                        {
                            failures.Enqueue($"position {e.Sequence} held {eventAt[e.Sequence]} and then {key}");
                        }

                        if (positionOf.GetOrAdd(key, e.Sequence) != e.Sequence)
                        {
                            failures.Enqueue($"event {key} was at {positionOf[key]} and then at {e.Sequence}");
                        }

                        position = e.Sequence;
                    }

                    if (page.Count == 0)
                    {
                        break;
                    }
                }

                furthest = Math.Max(furthest, position);
                passes++;
            }

            return passes;
        })).ToArray();

        // Writers: each appends 1–3 events per transaction as the "crm" storage does, and holds the transaction open
        // a random time before committing; one in ten commits late (up to 1.5 s), one in twenty rolls back. Some tell
        // the relay at once, the others leave their events to the sweep.
        var writers = Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            var random = new Random(1000 + w);
            for (var t = 0; t < TransactionsPerWriter; t++)
            {
                var keys = Enumerable.Range(0, 1 + random.Next(3)).Select(i => $"w{w}-t{t}-e{i}").ToArray();
                await using var connection = await cluster.DataSource.OpenConnectionAsync();
                await using var transaction = await connection.BeginTransactionAsync();
                await using (var append = new NpgsqlBatch(connection, transaction))
                {
                    append.BatchCommands.Add(new NpgsqlBatchCommand($"SELECT set_config('{TenantSql.TenantSetting}', $1, true)") { Parameters = { new NpgsqlParameter<string> { TypedValue = tenant.ToString() } } });
                    append.BatchCommands.Add(new NpgsqlBatchCommand("""
                        INSERT INTO events (tenant_id, type, entity_type, entity_id, data)
                        SELECT $1, 'test.appended', 'test', $2, jsonb_build_object('key', k) FROM unnest($3::text[]) AS k
                        """)
                    {
                        Parameters =
                        {
                            new NpgsqlParameter<Guid> { TypedValue = tenant },
                            new NpgsqlParameter<Guid> { TypedValue = Guid.CreateVersion7() },
                            new NpgsqlParameter<string[]> { TypedValue = keys },
                        },
                    });
                    await append.ExecuteNonQueryAsync();
                }

                var roll = random.Next(100);
                await Task.Delay(roll < 10 ? random.Next(300, 1500) : random.Next(20));
                if (roll >= 95)
                {
                    await transaction.RollbackAsync();
                    Array.ForEach(keys, k => rolledBack[k] = 0);
                    continue;
                }

                await transaction.CommitAsync();
                Array.ForEach(keys, k => committed[k] = 0);
                if (random.Next(2) == 0)
                {
                    _ = relay.PublishAsync();
                }
            }
        }));

        // Grain writers alongside, through the "crm" storage and its call to the relay.
        var grainWriters = Enumerable.Range(0, GrainWriters).Select(_ => Task.Run(async () =>
        {
            var counter = cluster.Grains.GetGrain<ICounterGrain>(tenant, Guid.CreateVersion7());
            for (var i = 0; i < GrainWritesEach; i++)
            {
                await counter.IncrementWithEventAsync();
            }
        }));

        await Task.WhenAll(writers.Concat(grainWriters));
        writing.Cancel();
        var passes = await Task.WhenAll(readers);

        // Everything committed is numbered within moments (the sweep runs every two seconds without being asked).
        var expected = committed.Count + GrainWriters * GrainWritesEach;
        var log = await Eventually.ReturnsAsync(() => ReadAllAsync(tenant), all => all.Count >= expected, TimeSpan.FromSeconds(30));

        Assert.Empty(failures);
        Assert.All(passes, p => Assert.True(p > 1, "each reader resumed more than once"));
        Assert.Equal(Enumerable.Range(1, log.Count).Select(i => (long)i), log.Select(e => e.Sequence));
        var testEvents = log.Where(e => e.Type == "test.appended").Select(KeyOf).ToList();
        Assert.Equal(testEvents.Count, testEvents.Distinct().Count());
        Assert.True(committed.Keys.ToHashSet().SetEquals(testEvents), "every committed event is in the log, and nothing else");
        Assert.DoesNotContain(testEvents, rolledBack.ContainsKey);
        Assert.Equal(GrainWriters * GrainWritesEach, log.Count(e => e.Type == "counter.incremented"));
        Assert.True(committed.Count > 2000, $"thousands of events ({committed.Count})");

        // What one writer committed in order is numbered in that order.
        foreach (var writer in testEvents.Select((key, index) => (key, index)).GroupBy(e => e.key.Split('-')[0]))
        {
            var order = writer.Select(e => (Transaction: int.Parse(e.key.Split('-')[1][1..]), Event: int.Parse(e.key.Split('-')[2][1..]))).ToList();
            Assert.Equal(order.OrderBy(o => o.Transaction).ThenBy(o => o.Event), order);
        }

        foreach (var counter in log.Where(e => e.Type == "counter.incremented").GroupBy(e => e.EntityId))
        {
            Assert.Equal(Enumerable.Range(1, GrainWritesEach), counter.Select(e => e.Data.GetProperty("value").GetInt32()));
        }
    }

    [Fact]
    public async Task AnEventWhoseTransactionIsStillOpenIsNotNumberedAndIsNumberedOnceItCommits()
    {
        var tenant = Guid.CreateVersion7();
        var relay = cluster.Grains.GetGrain<IEventRelayGrain>(tenant, tenant);
        var counter = cluster.Grains.GetGrain<ICounterGrain>(tenant, Guid.CreateVersion7());
        await counter.IncrementWithEventAsync();

        await using var connection = await cluster.DataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var append = new NpgsqlBatch(connection, transaction))
        {
            append.BatchCommands.Add(new NpgsqlBatchCommand($"SELECT set_config('{TenantSql.TenantSetting}', $1, true)") { Parameters = { new NpgsqlParameter<string> { TypedValue = tenant.ToString() } } });
            append.BatchCommands.Add(new NpgsqlBatchCommand("INSERT INTO events (tenant_id, type, entity_type, entity_id, data) VALUES ($1, 'test.appended', 'test', $1, '{\"key\": \"late\"}')")
            {
                Parameters = { new NpgsqlParameter<Guid> { TypedValue = tenant } },
            });
            await append.ExecuteNonQueryAsync();
        }

        await counter.IncrementWithEventAsync();
        await relay.PublishAsync();
        Assert.Equal(["counter.incremented", "counter.incremented"], (await ReadAllAsync(tenant)).Select(e => e.Type));

        await transaction.CommitAsync();
        await relay.PublishAsync();
        var log = await ReadAllAsync(tenant);
        Assert.Equal([1L, 2L, 3L], log.Select(e => e.Sequence));
        Assert.Equal("late", KeyOf(log[2]));
    }

    private async Task<List<StoredEvent>> ReadAllAsync(Guid tenant)
    {
        var all = new List<StoredEvent>();
        while (true)
        {
            var page = await cluster.EventLog.ReadAsync(tenant, all.Count == 0 ? 0 : all[^1].Sequence, 1000, CancellationToken.None);
            all.AddRange(page);
            if (page.Count < 1000)
            {
                return all;
            }
        }
    }

    private static string KeyOf(StoredEvent e) => e.Data.TryGetProperty("key", out var key)
        ? key.GetString()!
        : $"{e.EntityId}:{e.Data.GetProperty("value").GetInt32()}";
}
