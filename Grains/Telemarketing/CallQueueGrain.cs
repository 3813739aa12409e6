using M3CoreCRM.Grains.Abstractions.Leads;
using M3CoreCRM.Grains.Abstractions.Telemarketing;
using M3CoreCRM.Grains.Events;
using M3CoreCRM.Grains.Persistence;
using Npgsql;

namespace M3CoreCRM.Grains.Telemarketing;

public sealed class CallQueueState
{
    public string Name { get; set; } = "";

    public Guid GroupId { get; set; }

    public CallQueueFilter Filter { get; set; } = new([], [], []);

    public int RetryAfterMinutes { get; set; }

    public int MaxAttempts { get; set; }

    public DateTime CreatedAt { get; set; }
}

[GrainType("call-queue")]
public sealed class CallQueueGrain([PersistentState("call_queues", CrmStorage.Name)] IPersistentState<CallQueueState> state, NpgsqlDataSource dataSource) : CrmGrain, ICallQueueGrain
{
    /// <summary>Candidates read per look: enough that a few locked elsewhere (another queue) do not leave the agent empty-handed.</summary>
    private const int Candidates = 20;

    public async Task<CallQueueInfo> CreateAsync(CallQueueFields fields)
    {
        if (state.RecordExists)
        {
            throw new DomainException(DomainErrorKind.Conflict, "call_queue_exists", "This call queue already exists.");
        }

        state.State = new CallQueueState { CreatedAt = DateTime.UtcNow };
        await WriteAsync("call_queue.created", Apply(fields));
        return Info();
    }

    public Task<CallQueueInfo> GetAsync()
    {
        EnsureExists();
        return Task.FromResult(Info());
    }

    public async Task<CallQueueInfo> UpdateAsync(CallQueueFields fields, long? expectedVersion)
    {
        EnsureExists();
        Concurrency.Check(state.Version, expectedVersion);
        var changes = Apply(fields);
        if (changes.Count > 0)
        {
            await WriteAsync("call_queue.updated", changes);
        }

        return Info();
    }

    public async Task<LeadInfo?> NextAsync(Guid agentId, int lockMinutes)
    {
        EnsureExists();

        // One agent at a time per queue (this grain's turn), and each lead's grain refuses a second lock:
        // a lead another queue locked since the read is simply passed over.
        var until = DateTime.UtcNow.AddMinutes(lockMinutes);
        foreach (var leadId in await DueLeadsAsync())
        {
            if (await GrainFactory.GetGrain<ILeadGrain>(TenantId, leadId).TryLockForCallAsync(new LockForCall(Key, agentId, until)) is { } locked)
            {
                return locked;
            }
        }

        return null;
    }

    private async Task<List<Guid>> DueLeadsAsync()
    {
        var s = state.State;
        await using var batch = dataSource.ForTenant(TenantId);
        // The queue works its group's leads: those assigned to the group, and those its members own.
        // Leads due again (retries, promised callbacks) come first, oldest due first; then leads never
        // called, oldest first. Two index range scans; the second runs only if the first falls short.
        const string Eligible = """
            tenant_id = $1 AND category = 'open' AND NOT deleted AND NOT calls_done AND call_attempts < $2
            AND (cardinality($3::text[]) = 0 OR status = ANY($3))
            AND (cardinality($4::text[]) = 0 OR source = ANY($4))
            AND (cardinality($5::text[]) = 0 OR tags ?| $5)
            AND (group_id = $7 OR owner_id IN (
                SELECT member.id::uuid FROM groups g, jsonb_array_elements_text(g.state -> 'memberIds') AS member(id)
                WHERE g.tenant_id = $1 AND g.id = $7 AND NOT g.deleted))
            """;
        batch.Add($"""
            (SELECT id FROM leads WHERE {Eligible} AND call_due_at <= now() ORDER BY call_due_at, created_at, id LIMIT $6)
            UNION ALL
            (SELECT id FROM leads WHERE {Eligible} AND call_due_at IS NULL ORDER BY created_at, id LIMIT $6)
            LIMIT $6
            """).With(TenantId).With(s.MaxAttempts).With(s.Filter.Statuses.ToArray()).With(s.Filter.Sources.ToArray()).With(s.Filter.Tags.ToArray()).With(Candidates)
            .With(s.GroupId);
        var due = new List<Guid>();
        await using var reader = await batch.ReadAsync(CancellationToken.None);
        while (await reader.ReadAsync())
        {
            due.Add(reader.GetGuid(0));
        }

        return due;
    }

    private Dictionary<string, FieldChange> Apply(CallQueueFields f)
    {
        var s = state.State;
        var changes = new Dictionary<string, FieldChange>();
        Change.Track(changes, "name", s.Name, f.Name, v => s.Name = v);
        Change.Track(changes, "groupId", s.GroupId, f.GroupId, v => s.GroupId = v);
        Change.TrackShape(changes, "filter", s.Filter, f.Filter, v => s.Filter = v);
        Change.Track(changes, "retryAfterMinutes", s.RetryAfterMinutes, f.RetryAfterMinutes, v => s.RetryAfterMinutes = v);
        Change.Track(changes, "maxAttempts", s.MaxAttempts, f.MaxAttempts, v => s.MaxAttempts = v);
        return changes;
    }

    private Task WriteAsync(string eventType, Dictionary<string, FieldChange> changes) =>
        state.WriteStateAsync([new GrainEvent(eventType, "call_queue", Key, new { id = Key, state.State.Name, state.State.GroupId }, changes)]);

    private void EnsureExists()
    {
        if (!state.RecordExists)
        {
            throw DomainException.NotFound("The call queue");
        }
    }

    private CallQueueInfo Info()
    {
        var s = state.State;
        return new CallQueueInfo(Key, s.Name, s.GroupId, s.Filter, s.RetryAfterMinutes, s.MaxAttempts, s.CreatedAt, state.Version);
    }
}
