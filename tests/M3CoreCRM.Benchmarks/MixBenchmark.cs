using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using M3CoreCRM.Silo.Storage;
using M3CoreCRM.Testing;
using Npgsql;

namespace M3CoreCRM.Benchmarks;

/// <summary>What goes wrong during a mix run: nothing, PostgreSQL restarting, too few database connections, a subscriber that never reads, or a silo killed.</summary>
public enum MixFault
{
    None,
    PostgresRestart,
    PoolExhausted,
    SlowSubscriber,
    SiloKilled,
}

public sealed record MixOptions(TimeSpan Duration, int Tenants, int AgentsPerTenant, int SubscribersPerTenant, int LeadsPerTenant, int UnitsPerTenant, MixFault Fault);

/// <summary>What a run found: figures per operation, yardsticks, answers by status, and the consistency checks.</summary>
public sealed record MixReport(
    MixFault Fault, IReadOnlyList<Measurement> Operations, Measurement Health, Measurement RawUpdates, IReadOnlyDictionary<string, long> Statuses,
    long Acknowledged, int LostWrites, int DoubleBooked, int HandedTwice, long SequenceGaps, long StreamGaps, long StreamRepeats, int StreamsBehind,
    long ServerErrors, long UnavailableWithoutRetryAfter, TimeSpan? Recovery, bool SlowSubscriberCutOff)
{
    /// <summary>Nothing acknowledged lost, nothing done twice, no 500s, every 503 with Retry-After, every stream whole.</summary>
    public bool Consistent => LostWrites == 0 && DoubleBooked == 0 && HandedTwice == 0 && SequenceGaps == 0 && StreamGaps == 0 && StreamRepeats == 0 && StreamsBehind == 0
        && ServerErrors == 0 && UnavailableWithoutRetryAfter == 0 && (Fault != MixFault.SlowSubscriber || SlowSubscriberCutOff);
}

/// <summary>
/// The telemarketing mix over HTTP against real processes: tenants whose agents pull leads from their call queue and
/// log calls, update their leads, move their deals, hold, reserve and release units, read lead lists, their dashboard
/// and a report, while every tenant has SSE subscribers. Yardsticks in the same run: <c>/health/live</c> and a raw
/// single-row PostgreSQL update, each at the same concurrency. A fault may be injected half way. At the end it checks
/// that every acknowledged write is there, that no unit was held, reserved or sold twice (each unit's status events
/// chain), that no lead went to two agents, that each tenant's event sequence has no gaps, and that every subscriber
/// got every event once, in order.
/// </summary>
public sealed class MixBenchmark(MixOptions options)
{
    private const string Password = "benchmark passphrase";

    private readonly ConcurrentDictionary<string, List<double>> _latencies = new();
    private readonly ConcurrentDictionary<string, long> _statuses = new();
    private readonly ConcurrentDictionary<(string Kind, Guid Id), List<(string Value, Outcome Outcome)>> _writes = new();
    private readonly ConcurrentDictionary<Guid, int> _handed = new();
    private long _acknowledged;
    private long _serverErrors;
    private long _unavailableWithoutRetryAfter;
    private long _lastFailureTicks;

    private enum Outcome
    {
        Acknowledged,
        Refused,
        Uncertain,
    }

    public async Task<MixReport> RunAsync(string connectionString, LocalPostgres? server)
    {
        if (options.Fault == MixFault.PostgresRestart && server is null)
        {
            throw new InvalidOperationException("The PostgreSQL restart drill needs the harness's own server (leave M3_BENCH_POSTGRES unset).");
        }

        var environment = new Dictionary<string, string>
        {
            ["ConnectionStrings__Postgres"] = options.Fault == MixFault.PoolExhausted
                ? new NpgsqlConnectionStringBuilder(connectionString) { MaxPoolSize = 4, Timeout = 1 }.ConnectionString
                : connectionString,
            ["RateLimits__AuthPerAddressPerMinute"] = "10000000",
            ["RateLimits__LoginPerAccountPer15Minutes"] = "10000000",
            ["RateLimits__TenantPerSecond"] = "10000000",
            // Load tenants hold more leads, units and users than a free plan allows.
            ["Billing__DefaultPlan"] = "enterprise",
            ["RateLimits__UserPerSecond"] = "10000000",
            ["Auth__Argon2__MemoryKiB"] = "8192",
            ["Auth__Argon2__Iterations"] = "1",
            ["Stream__MaxStreamsPerUser"] = "1000",
            ["Stream__StallTimeout"] = "00:00:03",
            ["Stream__SubscriberBuffer"] = "64",
            // A killed silo is declared dead after two missed one-second probes (Orleans' defaults take 10-15 s).
            ["Orleans__Membership__ProbeTimeout"] = "00:00:01",
            ["Orleans__Membership__NumMissedProbesLimit"] = "2",
            ["Orleans__Membership__NumVotesForDeathDeclaration"] = "1",
            ["Orleans__Membership__TableRefreshTimeout"] = "00:00:02",
        };
        var silos = new List<HostProcess>();
        try
        {
            var apiEnvironment = new Dictionary<string, string>(environment) { ["M3_DATA_DIR"] = Path.Combine(Path.GetTempPath(), $"m3-mix-api-{Guid.NewGuid():N}") };
            if (options.Fault == MixFault.SiloKilled)
            {
                silos.Add(await HostProcess.StartAsync("M3CoreCRM.Silo", environment));
                silos.Add(await HostProcess.StartAsync("M3CoreCRM.Silo", environment));
                apiEnvironment["M3_SILO"] = "remote";
            }

            await using var api = await HostProcess.StartAsync("M3CoreCRM.ApiHost", apiEnvironment);
            var workers = options.Tenants * options.AgentsPerTenant;
            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = workers * 4 }) { BaseAddress = api.Address, Timeout = TimeSpan.FromSeconds(60) };
            var tenants = new List<MixTenant>();
            for (var t = 0; t < options.Tenants; t++)
            {
                tenants.Add(await SetUpTenantAsync(http, connectionString, t));
            }

            var health = await Load.MeasureAsync($"GET /health/live (yardstick), {workers} clients", workers, options.Duration / 2, _ => async () =>
                (await http.GetAsync(new Uri("/health/live", UriKind.Relative))).EnsureSuccessStatusCode());
            var raw = await RawUpdatesAsync(connectionString, workers);

            using var stop = new CancellationTokenSource();
            var subscribers = tenants.SelectMany(t => Enumerable.Range(0, options.SubscribersPerTenant).Select(_ => new MixSubscriber(http, t))).ToList();
            foreach (var subscriber in subscribers)
            {
                subscriber.Start();
            }

            using var slow = options.Fault == MixFault.SlowSubscriber ? await OpenSlowSubscriberAsync(api.Address, tenants[0]) : null;
            var started = Stopwatch.GetTimestamp();
            var load = Task.WhenAll(tenants.SelectMany(t => t.Agents.Select((agent, i) => Task.Run(() => WorkAsync(http, t, agent, i, stop.Token)))));

            await Task.Delay(options.Duration / 2);
            var faultStarted = Stopwatch.GetTimestamp();
            switch (options.Fault)
            {
                case MixFault.PostgresRestart:
                    await server!.RestartAsync(TimeSpan.FromSeconds(3), CancellationToken.None);
                    break;
                case MixFault.PoolExhausted:
                    await HoldEventPositionsAsync(connectionString, tenants, TimeSpan.FromSeconds(4));
                    break;
                case MixFault.SiloKilled:
                    await silos[0].KillAsync();
                    break;
            }

            var remaining = options.Duration - Stopwatch.GetElapsedTime(started);
            if (remaining > TimeSpan.Zero)
            {
                await Task.Delay(remaining);
            }

            await stop.CancelAsync();
            await load;

            // How long clients saw failures (503 or no answer) from the fault's start: the outage as they lived it.
            var lastFailure = Interlocked.Read(ref _lastFailureTicks);
            TimeSpan? recovery = options.Fault is MixFault.None or MixFault.SlowSubscriber ? null
                : lastFailure > faultStarted ? Stopwatch.GetElapsedTime(faultStarted, lastFailure) : TimeSpan.Zero;

            // Consistency, once everything acknowledged has had time to reach the stream.
            var sequences = await LatestSequencesAsync(connectionString, tenants);
            var streamsBehind = 0;
            foreach (var subscriber in subscribers)
            {
                if (!await subscriber.ReachesAsync(sequences[subscriber.Tenant.Id], TimeSpan.FromSeconds(30)))
                {
                    streamsBehind++;
                }
            }

            foreach (var subscriber in subscribers)
            {
                subscriber.Dispose();
            }

            var (lost, doubled, gaps) = await CheckStorageAsync(connectionString, tenants);
            var cutOff = slow is not null && await IsClosedAsync(slow);
            var operations = _latencies.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => Figure(p.Key, p.Value, options.Duration)).ToList();
            operations.Add(Figure($"all operations, {workers} agents", [.. _latencies.Values.SelectMany(v => v)], options.Duration));
            return new MixReport(options.Fault, operations, health, raw, new Dictionary<string, long>(_statuses), Interlocked.Read(ref _acknowledged), lost, doubled,
                _handed.Values.Count(n => n > 1), gaps, subscribers.Sum(s => s.Gaps), subscribers.Sum(s => s.Repeats), streamsBehind,
                Interlocked.Read(ref _serverErrors), Interlocked.Read(ref _unavailableWithoutRetryAfter), recovery, cutOff);
        }
        finally
        {
            foreach (var silo in silos)
            {
                await silo.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// A long transaction that holds every tenant's event sequence row: each write then waits with its connection, the
    /// API host's small pool (4) runs dry, and requests that cannot get a connection within a second are answered 503.
    /// </summary>
    private static async Task HoldEventPositionsAsync(string connectionString, List<MixTenant> tenants, TimeSpan holdFor)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        foreach (var tenant in tenants)
        {
            await using var batch = new NpgsqlBatch(connection, transaction);
            var scope = new NpgsqlBatchCommand("SELECT set_config('m3.tenant_id', $1, true)");
            scope.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenant.Id.ToString() });
            var hold = new NpgsqlBatchCommand("SELECT last_seq FROM event_positions WHERE tenant_id = $1 FOR UPDATE");
            hold.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = tenant.Id });
            batch.BatchCommands.Add(scope);
            batch.BatchCommands.Add(hold);
            await batch.ExecuteNonQueryAsync();
        }

        await Task.Delay(holdFor);
        await transaction.RollbackAsync();
    }

    private async Task WorkAsync(HttpClient http, MixTenant tenant, MixAgent agent, int index, CancellationToken stop)
    {
        var random = new Random(tenant.Index * 1000 + index);
        var counter = 0;
        var myLeads = tenant.Leads.Where((_, n) => n % options.AgentsPerTenant == index).ToArray();
        var held = new List<Guid>();
        while (!stop.IsCancellationRequested)
        {
            var roll = random.Next(100);
            try
            {
                if (roll < 30)
                {
                    var (status, body) = await SendAsync(http, tenant, agent, "queue next", HttpMethod.Post, $"/api/v1/call-queues/{tenant.QueueId}/next", new { lockMinutes = 30 });
                    if (status == HttpStatusCode.OK)
                    {
                        var lead = body.GetProperty("id").GetGuid();
                        _handed.AddOrUpdate(lead, 1, (_, n) => n + 1);
                        await SendAsync(http, tenant, agent, "log call", HttpMethod.Post, $"/api/v1/leads/{lead}/calls", new { disposition = random.Next(2) == 0 ? "answered" : "no_answer", durationSeconds = 30 });
                    }
                }
                else if (roll < 45 && myLeads.Length > 0)
                {
                    var lead = myLeads[random.Next(myLeads.Length)];
                    var notes = $"{agent.Id:N}-{counter++}";
                    await WriteAsync(("lead", lead), notes, () => SendAsync(http, tenant, agent, "update lead", HttpMethod.Patch, $"/api/v1/leads/{lead}", new { notes }));
                }
                else if (roll < 55)
                {
                    var stage = tenant.Stages[random.Next(tenant.Stages.Length)];
                    await WriteAsync(("deal", agent.DealId), stage.ToString(), () => SendAsync(http, tenant, agent, "move deal", HttpMethod.Post, $"/api/v1/deals/{agent.DealId}/move", new { stageId = stage }));
                }
                else if (roll < 70)
                {
                    var unit = tenant.Units[random.Next(tenant.Units.Length)];
                    var (status, _) = await SendAsync(http, tenant, agent, "hold unit", HttpMethod.Post, $"/api/v1/units/{unit}/hold", new { dealId = agent.DealId, holdMinutes = 30 });
                    if (status == HttpStatusCode.OK && !held.Contains(unit))
                    {
                        held.Add(unit);
                    }
                }
                else if (roll < 75 && held.Count > 0)
                {
                    var unit = held[random.Next(held.Count)];
                    held.Remove(unit);
                    if (random.Next(3) == 0)
                    {
                        await SendAsync(http, tenant, agent, "reserve unit", HttpMethod.Post, $"/api/v1/units/{unit}/reserve", new { dealId = agent.DealId });
                    }
                    else
                    {
                        await SendAsync(http, tenant, agent, "release unit", HttpMethod.Post, $"/api/v1/units/{unit}/release", new { reason = "Client chose another" });
                    }
                }
                else if (roll < 90)
                {
                    await SendAsync(http, tenant, agent, "list leads", HttpMethod.Get, $"/api/v1/leads?status=new&limit=50", null);
                }
                else
                {
                    await SendAsync(http, tenant, agent, "dashboard", HttpMethod.Get, "/api/v1/dashboards/me", null);
                    await SendAsync(http, tenant, agent, "pipeline report", HttpMethod.Get, "/api/v1/reports/pipeline", null);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>Records a write's value with its outcome: acknowledged (2xx), refused (4xx: not applied), or uncertain (no answer, 5xx).</summary>
    private async Task WriteAsync((string Kind, Guid Id) key, string value, Func<Task<(HttpStatusCode Status, JsonElement Body)>> send)
    {
        var (status, _) = await send();
        var outcome = (int)status is >= 200 and < 300 ? Outcome.Acknowledged : (int)status is >= 400 and < 500 ? Outcome.Refused : Outcome.Uncertain;
        var list = _writes.GetOrAdd(key, _ => []);
        lock (list)
        {
            list.Add((value, outcome));
        }
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(HttpClient http, MixTenant tenant, MixAgent agent, string operation, HttpMethod method, string path, object? body)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Authorization = new("Bearer", agent.Token);
        request.Headers.Add("X-Tenant-Id", tenant.Slug);
        var before = Stopwatch.GetTimestamp();
        HttpStatusCode status;
        JsonElement json = default;
        try
        {
            using var response = await http.SendAsync(request);
            status = response.StatusCode;
            if (status == HttpStatusCode.OK && response.Content.Headers.ContentType?.MediaType == "application/json")
            {
                json = await response.Content.ReadFromJsonAsync<JsonElement>();
            }

            if ((int)status >= 500 && status != HttpStatusCode.ServiceUnavailable)
            {
                Interlocked.Increment(ref _serverErrors);
            }

            if (status == HttpStatusCode.ServiceUnavailable && response.Headers.RetryAfter is null)
            {
                Interlocked.Increment(ref _unavailableWithoutRetryAfter);
            }

        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            status = 0;
        }

        if ((int)status is 0 or >= 500)
        {
            Interlocked.Exchange(ref _lastFailureTicks, Stopwatch.GetTimestamp());
        }

        var elapsed = Stopwatch.GetElapsedTime(before).TotalMilliseconds;
        var samples = _latencies.GetOrAdd(operation, _ => []);
        lock (samples)
        {
            samples.Add(elapsed);
        }

        _statuses.AddOrUpdate($"{operation} {(int)status}", 1, (_, n) => n + 1);
        if ((int)status is >= 200 and < 300)
        {
            Interlocked.Increment(ref _acknowledged);
        }

        return (status, json);
    }

    private static Measurement Figure(string name, List<double> samples, TimeSpan duration)
    {
        samples.Sort();
        double At(double q) => samples.Count == 0 ? 0 : samples[Math.Min(samples.Count - 1, (int)(q * samples.Count))];
        return new Measurement(name, samples.Count, duration, At(0.50), At(0.95), At(0.99));
    }

    private async Task<MixTenant> SetUpTenantAsync(HttpClient http, string connectionString, int index)
    {
        var slug = $"mix{index}-{Guid.NewGuid():N}"[..24];
        var signUp = await http.PostAsJsonAsync("/api/v1/tenants", new { name = $"Mix {index}", slug, owner = new { name = "Owner", email = $"owner@{slug}.test", password = Password } });
        signUp.EnsureSuccessStatusCode();
        var body = await signUp.Content.ReadFromJsonAsync<JsonElement>();
        var owner = new MixAgent(body.GetProperty("user").GetProperty("id").GetGuid(), body.GetProperty("accessToken").GetString()!, Guid.Empty);
        var tenant = new MixTenant(index, body.GetProperty("tenant").GetProperty("id").GetGuid(), slug, owner);

        async Task<JsonElement> OwnerAsync(HttpMethod method, string path, object? content = null)
        {
            using var request = new HttpRequestMessage(method, path) { Content = content is null ? null : JsonContent.Create(content) };
            request.Headers.Authorization = new("Bearer", owner.Token);
            request.Headers.Add("X-Tenant-Id", slug);
            using var response = await http.SendAsync(request);
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"{method} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }

            return await response.Content.ReadFromJsonAsync<JsonElement>();
        }

        var role = (await OwnerAsync(HttpMethod.Get, "/api/v1/roles")).GetProperty("items").EnumerateArray().First(r => r.GetProperty("name").GetString() == "sales_manager").GetProperty("id").GetGuid();
        var pipeline = await OwnerAsync(HttpMethod.Post, "/api/v1/pipelines", new { name = "Sales", stages = new object[] { new { name = "Enquiry" }, new { name = "Viewing" }, new { name = "Offer" } } });
        tenant.Stages = [.. pipeline.GetProperty("stages").EnumerateArray().Select(s => s.GetProperty("id").GetGuid())];
        var agentIds = new List<Guid>();
        for (var a = 0; a < options.AgentsPerTenant; a++)
        {
            var email = $"agent{a}@{slug}.test";
            agentIds.Add((await OwnerAsync(HttpMethod.Post, "/api/v1/users", new { name = $"Agent {a}", email, password = Password, roleIds = new[] { role } })).GetProperty("id").GetGuid());
        }

        var group = (await OwnerAsync(HttpMethod.Post, "/api/v1/groups", new { name = "Floor", memberIds = agentIds })).GetProperty("id").GetGuid();
        foreach (var (agentId, a) in agentIds.Select((id, a) => (id, a)))
        {
            using var login = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/login") { Content = JsonContent.Create(new { email = $"agent{a}@{slug}.test", password = Password }) };
            login.Headers.Add("X-Tenant-Id", slug);
            using var response = await http.SendAsync(login);
            response.EnsureSuccessStatusCode();
            var token = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
            var deal = await OwnerAsync(HttpMethod.Post, "/api/v1/deals", new { title = $"Deal of agent {a}", pipelineId = pipeline.GetProperty("id").GetGuid(), value = new { amount = 1_000_000m, currency = "AED" }, ownerId = agentId });
            tenant.Agents.Add(new MixAgent(agentId, token, deal.GetProperty("id").GetGuid()));
        }

        await OwnerAsync(HttpMethod.Post, "/api/v1/unit-types", new { code = "2BR-A", name = "Two bedroom", category = "apartment" });
        var project = (await OwnerAsync(HttpMethod.Post, "/api/v1/projects", new { name = "Mix Towers", code = "MIX" })).GetProperty("id").GetGuid();
        var units = new Guid[options.UnitsPerTenant];
        await Parallel.ForEachAsync(Enumerable.Range(0, units.Length), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (u, _) =>
            units[u] = (await OwnerAsync(HttpMethod.Post, "/api/v1/units", new
            {
                projectId = project, code = $"M-{u:0000}", typeCode = "2BR-A", dimensions = new { areaSqm = 90, bedrooms = 2, bathrooms = 2, rooms = Array.Empty<object>() },
                listPrice = new { amount = 900_000m + u, currency = "AED" },
            })).GetProperty("id").GetGuid());
        tenant.Units = units;
        tenant.Leads = await SeedLeadsAsync(connectionString, tenant.Id, agentIds, group);
        tenant.QueueId = (await OwnerAsync(HttpMethod.Post, "/api/v1/call-queues", new { name = "Floor queue", groupId = group, filter = new { statuses = new[] { "new" } }, retryAfterMinutes = 600 }))
            .GetProperty("id").GetGuid();
        return tenant;
    }

    /// <summary>The tenant's leads, written straight into the table in the lead grain's shape, owned round-robin by the agents and in their group.</summary>
    private async Task<Guid[]> SeedLeadsAsync(string connectionString, Guid tenantId, List<Guid> agents, Guid group)
    {
        var ids = Enumerable.Range(0, options.LeadsPerTenant).Select(_ => Guid.CreateVersion7()).ToArray();
        var now = DateTime.UtcNow;
        var states = ids.Select((_, n) => JsonSerializer.Serialize(new
        {
            name = $"Lead {n}", phone = "+9715" + n.ToString("D8", CultureInfo.InvariantCulture), email = $"lead{n}@mix.test", source = "web", status = "new", statusCategory = "open",
            ownerId = agents[n % agents.Count], groupId = group, tags = Array.Empty<string>(), allowDuplicate = false, deleted = false, calls = new { attempts = 0, done = false },
            createdAt = now.AddSeconds(-n), updatedAt = now.AddSeconds(-n),
        }, JsonSerializerOptions.Web)).ToArray();
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await Seeding.InsertStatesAsync(dataSource, tenantId, "leads", ids, states);
        return ids;
    }

    private async Task<Measurement> RawUpdatesAsync(string connectionString, int workers)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using (var create = dataSource.CreateCommand($"DROP TABLE IF EXISTS mix_raw; CREATE TABLE mix_raw (id int PRIMARY KEY, n bigint NOT NULL); INSERT INTO mix_raw SELECT g, 0 FROM generate_series(0, {workers - 1}) g"))
        {
            await create.ExecuteNonQueryAsync();
        }

        return await Load.MeasureAsync($"raw single-row UPDATE (yardstick), {workers} clients", workers, options.Duration / 2, worker => async () =>
        {
            await using var update = dataSource.CreateCommand("UPDATE mix_raw SET n = n + 1 WHERE id = $1");
            update.Parameters.Add(new NpgsqlParameter<int> { TypedValue = worker });
            await update.ExecuteNonQueryAsync();
        });
    }

    private static async Task<Dictionary<Guid, long>> LatestSequencesAsync(string connectionString, List<MixTenant> tenants)
    {
        var result = new Dictionary<Guid, long>();
        var deadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 30;
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        foreach (var tenant in tenants)
        {
            while (true)
            {
                try
                {
                    await using var connection = await dataSource.OpenConnectionAsync();
                    await using var batch = new NpgsqlBatch(connection);
                    var scope = new NpgsqlBatchCommand("SELECT set_config('m3.tenant_id', $1, false)");
                    scope.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenant.Id.ToString() });
                    var latest = new NpgsqlBatchCommand("SELECT coalesce(max(seq), 0) FROM events WHERE tenant_id = $1");
                    latest.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = tenant.Id });
                    batch.BatchCommands.Add(scope);
                    batch.BatchCommands.Add(latest);
                    await using var reader = await batch.ExecuteReaderAsync();
                    await reader.NextResultAsync();
                    await reader.ReadAsync();
                    result[tenant.Id] = reader.GetInt64(0);
                    break;
                }
                catch (NpgsqlException) when (Stopwatch.GetTimestamp() < deadline)
                {
                    await Task.Delay(200);
                }
            }
        }

        return result;
    }

    /// <summary>Lost writes (an acknowledged value not there), units whose status events do not chain, and gaps in each tenant's event sequence.</summary>
    private async Task<(int Lost, int Doubled, long Gaps)> CheckStorageAsync(string connectionString, List<MixTenant> tenants)
    {
        var lost = 0;
        var doubled = 0;
        long gaps = 0;
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        foreach (var tenant in tenants)
        {
            await using var connection = await dataSource.OpenConnectionAsync();
            await using (var scope = new NpgsqlCommand("SELECT set_config('m3.tenant_id', $1, false)", connection))
            {
                scope.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenant.Id.ToString() });
                await scope.ExecuteNonQueryAsync();
            }

            var stored = new Dictionary<(string, Guid), string?>();
            await using (var leads = new NpgsqlCommand("SELECT 'lead', id, state ->> 'notes' FROM leads WHERE tenant_id = $1 UNION ALL SELECT 'deal', id, state ->> 'stageId' FROM deals WHERE tenant_id = $1", connection))
            {
                leads.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = tenant.Id });
                await using var reader = await leads.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    stored[(reader.GetString(0), reader.GetGuid(1))] = reader.IsDBNull(2) ? null : reader.GetString(2);
                }
            }

            foreach (var ((kind, id), writes) in _writes.Where(w => stored.ContainsKey(w.Key)))
            {
                // The stored value must be the last acknowledged one, or one sent after it whose answer never came.
                var lastAcknowledged = writes.FindLastIndex(w => w.Outcome == Outcome.Acknowledged);
                if (lastAcknowledged < 0)
                {
                    continue;
                }

                var allowed = writes.Skip(lastAcknowledged).Where((w, i) => i == 0 || w.Outcome == Outcome.Uncertain).Select(w => w.Value).ToHashSet();
                if (!allowed.Contains(stored[(kind, id)] ?? ""))
                {
                    lost++;
                }
            }

            await using (var events = new NpgsqlCommand("""
                SELECT entity_id, data ->> 'previousStatus', data ->> 'status', data ->> 'transition' FROM events
                WHERE tenant_id = $1 AND type = 'unit.status_changed' ORDER BY entity_id, seq
                """, connection))
            {
                events.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = tenant.Id });
                await using var reader = await events.ExecuteReaderAsync();
                Guid? unit = null;
                var status = "available";
                while (await reader.ReadAsync())
                {
                    if (reader.GetGuid(0) != unit)
                    {
                        unit = reader.GetGuid(0);
                        status = "available";
                    }

                    // Each change starts where the last one ended; a hold only ever starts from available.
                    if (reader.GetString(1) != status || (reader.GetString(3) == "held" && status != "available"))
                    {
                        doubled++;
                    }

                    status = reader.GetString(2);
                }
            }

            // Events are numbered by the tenant's relay moments after they commit (its sweep runs every 2 s): an event
            // still without a position 10 s after the load counts as a gap.
            var deadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 10;
            while (true)
            {
                await using var sequence = new NpgsqlCommand("SELECT count(seq), coalesce(max(seq), 0), coalesce(min(seq), 1), count(*) - count(seq) FROM events WHERE tenant_id = $1", connection);
                sequence.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = tenant.Id });
                await using var reader = await sequence.ExecuteReaderAsync();
                await reader.ReadAsync();
                if (reader.GetInt64(3) > 0 && Stopwatch.GetTimestamp() < deadline)
                {
                    await Task.Delay(100);
                    continue;
                }

                gaps += reader.GetInt64(1) - reader.GetInt64(2) + 1 - reader.GetInt64(0) + reader.GetInt64(3);
                break;
            }
        }

        return (lost, doubled, gaps);
    }

    /// <summary>A stream client that sends its request and then never reads: the server must cut it off, not wait for it.</summary>
    private static async Task<TcpClient> OpenSlowSubscriberAsync(Uri address, MixTenant tenant)
    {
        var client = new TcpClient { ReceiveBufferSize = 1024 };
        await client.ConnectAsync(address.Host, address.Port);
        var request = $"GET /api/v1/stream HTTP/1.1\r\nHost: {address.Authority}\r\nAuthorization: Bearer {tenant.Owner.Token}\r\nX-Tenant-Id: {tenant.Slug}\r\nAccept: text/event-stream\r\n\r\n";
        await client.GetStream().WriteAsync(Encoding.ASCII.GetBytes(request));
        return client;
    }

    /// <summary>Whether the server closed the connection (the bytes it had sent are read through to the end).</summary>
    private static async Task<bool> IsClosedAsync(TcpClient client)
    {
        var buffer = new byte[64 * 1024];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            while (await client.GetStream().ReadAsync(buffer, timeout.Token) > 0)
            {
            }

            return true;
        }
        catch (IOException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}

public sealed record MixAgent(Guid Id, string Token, Guid DealId);

public sealed class MixTenant(int index, Guid id, string slug, MixAgent owner)
{
    public int Index => index;

    public Guid Id => id;

    public string Slug => slug;

    public MixAgent Owner => owner;

    public List<MixAgent> Agents { get; } = [];

    public Guid[] Stages { get; set; } = [];

    public Guid[] Units { get; set; } = [];

    public Guid[] Leads { get; set; } = [];

    public Guid QueueId { get; set; }
}

/// <summary>An SSE subscriber of one tenant, as a browser would be: it reconnects with Last-Event-ID when its stream ends, and counts gaps and repeats.</summary>
public sealed class MixSubscriber(HttpClient http, MixTenant tenant) : IDisposable
{
    private readonly Lock _lock = new();
    private CancellationTokenSource? _stop;
    private long _last = -1;

    public MixTenant Tenant => tenant;

    public long Gaps { get; private set; }

    public long Repeats { get; private set; }

    public void Start()
    {
        _stop = new CancellationTokenSource();
        _ = Task.Run(() => ListenAsync(_stop.Token), CancellationToken.None);
    }

    public async Task<bool> ReachesAsync(long sequence, TimeSpan timeout)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            lock (_lock)
            {
                if (_last >= sequence)
                {
                    return true;
                }
            }

            await Task.Delay(50);
        }

        return false;
    }

    public void Dispose()
    {
        _stop?.Cancel();
        _stop?.Dispose();
    }

    private async Task ListenAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/stream");
                request.Headers.Authorization = new("Bearer", tenant.Owner.Token);
                request.Headers.Add("X-Tenant-Id", tenant.Slug);
                long resumeFrom;
                lock (_lock)
                {
                    resumeFrom = _last;
                }

                if (resumeFrom >= 0)
                {
                    request.Headers.Add("Last-Event-ID", resumeFrom.ToString(CultureInfo.InvariantCulture));
                }

                using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, stop);
                if (!response.IsSuccessStatusCode)
                {
                    await Task.Delay(500, stop);
                    continue;
                }

                using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(stop));
                while (await reader.ReadLineAsync(stop) is { } line)
                {
                    if (line.StartsWith("id: ", StringComparison.Ordinal) && long.TryParse(line.AsSpan(4), CultureInfo.InvariantCulture, out var id))
                    {
                        lock (_lock)
                        {
                            if (_last >= 0 && id <= _last)
                            {
                                Repeats++;
                            }
                            else if (_last >= 0 && id != _last + 1)
                            {
                                Gaps += id - _last - 1;
                            }

                            _last = Math.Max(_last, id);
                        }
                    }
                }
            }
            catch (Exception) when (!stop.IsCancellationRequested)
            {
                await Task.Delay(500, CancellationToken.None);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
