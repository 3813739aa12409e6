using System.Diagnostics;
using M3CoreCRM.Grains.Abstractions.Identity;
using M3CoreCRM.Grains.Abstractions.Leads;
using M3CoreCRM.Grains.Persistence;
using Npgsql;

namespace M3CoreCRM.Grains.Leads;

public sealed class GroupAssignmentState
{
    /// <summary>How many leads round robin has handed out: the next goes to member number Cursor mod count.</summary>
    public long Cursor { get; set; }
}

[GrainType("group-assignment")]
public sealed class GroupAssignmentGrain([PersistentState("group_assignments", CrmStorage.Name)] IPersistentState<GroupAssignmentState> state, NpgsqlDataSource dataSource)
    : CrmGrain, IGroupAssignmentGrain
{
    /// <summary>Open-lead counts are read again after this long; between reads the grain counts its own picks.</summary>
    private static readonly TimeSpan LoadFreshness = TimeSpan.FromSeconds(30);

    private Dictionary<Guid, int>? _load;
    private long _loadReadAt;

    public async Task<Guid> PickAsync(AssignmentStrategy strategy)
    {
        var members = await ActiveMembersAsync();
        if (members.Count == 0)
        {
            throw new DomainException(DomainErrorKind.Conflict, "group_empty", "The group has no active member to assign to.");
        }

        if (strategy == AssignmentStrategy.RoundRobin)
        {
            // The cursor is written before the pick is returned: after a restart, the turn goes on where it was.
            var picked = members[(int)(state.State.Cursor % members.Count)];
            state.State.Cursor++;
            await state.WriteStateAsync();
            return picked;
        }

        if (_load is null || Stopwatch.GetElapsedTime(_loadReadAt) > LoadFreshness || !members.All(_load.ContainsKey))
        {
            _load = await OpenLeadCountsAsync(members);
            _loadReadAt = Stopwatch.GetTimestamp();
        }

        // Fewest open leads first; ties go by the members' order, starting after the last pick.
        var start = (int)(state.State.Cursor % members.Count);
        var least = Enumerable.Range(0, members.Count).Select(i => members[(start + i) % members.Count]).MinBy(m => _load[m]);
        _load[least]++;
        state.State.Cursor++;
        return least;
    }

    private async Task<List<Guid>> ActiveMembersAsync()
    {
        var group = await GrainFactory.GetGrain<IGroupGrain>(TenantId, Key).GetAsync();
        await using var batch = dataSource.ForTenant(TenantId);
        batch.Add("SELECT id FROM users WHERE tenant_id = $1 AND id = ANY($2) AND status = 'active' ORDER BY id").With(TenantId).With(group.MemberIds.ToArray());
        var active = new List<Guid>();
        await using var reader = await batch.ReadAsync(CancellationToken.None);
        while (await reader.ReadAsync())
        {
            active.Add(reader.GetGuid(0));
        }

        return active;
    }

    private async Task<Dictionary<Guid, int>> OpenLeadCountsAsync(List<Guid> members)
    {
        var counts = members.ToDictionary(m => m, _ => 0);
        await using var batch = dataSource.ForTenant(TenantId);
        batch.Add("""
            SELECT owner_id, count(*)::int FROM leads
            WHERE tenant_id = $1 AND owner_id = ANY($2) AND category = 'open' AND NOT deleted
            GROUP BY owner_id
            """).With(TenantId).With(members.ToArray());
        await using var reader = await batch.ReadAsync(CancellationToken.None);
        while (await reader.ReadAsync())
        {
            counts[reader.GetGuid(0)] = reader.GetInt32(1);
        }

        return counts;
    }
}
