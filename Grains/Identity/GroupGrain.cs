using M3CoreCRM.Grains.Abstractions.Identity;
using M3CoreCRM.Grains.Events;
using M3CoreCRM.Grains.Persistence;

namespace M3CoreCRM.Grains.Identity;

public sealed class GroupState
{
    public string Name { get; set; } = "";

    public List<Guid> MemberIds { get; set; } = [];

    public Guid? ManagerId { get; set; }

    public bool Deleted { get; set; }
}

[GrainType("group")]
public sealed class GroupGrain([PersistentState("groups", CrmStorage.Name)] IPersistentState<GroupState> state) : CrmGrain, IGroupGrain
{
    public async Task<GroupInfo> CreateAsync(SaveGroup command)
    {
        if (state.RecordExists)
        {
            throw new DomainException(DomainErrorKind.Conflict, "group_exists", "This group already exists.");
        }

        state.State = new GroupState { Name = command.Name, MemberIds = [.. command.MemberIds.Distinct()], ManagerId = command.ManagerId };
        await WriteAsync("group.created", new() { ["name"] = new(null, command.Name), ["memberIds"] = new(null, state.State.MemberIds), ["managerId"] = new(null, command.ManagerId) });
        return Info();
    }

    public Task<GroupInfo> GetAsync()
    {
        EnsureExists();
        return Task.FromResult(Info());
    }

    public async Task<GroupInfo> UpdateAsync(SaveGroup command, long? expectedVersion)
    {
        EnsureExists();
        Concurrency.Check(state.Version, expectedVersion);
        var members = command.MemberIds.Distinct().ToList();
        var changes = new Dictionary<string, FieldChange>();
        if (command.Name != state.State.Name)
        {
            changes["name"] = new(state.State.Name, command.Name);
        }

        if (!members.Order().SequenceEqual(state.State.MemberIds.Order()))
        {
            changes["memberIds"] = new(state.State.MemberIds, members);
        }

        if (command.ManagerId != state.State.ManagerId)
        {
            changes["managerId"] = new(state.State.ManagerId, command.ManagerId);
        }

        if (changes.Count > 0)
        {
            state.State.Name = command.Name;
            state.State.MemberIds = members;
            state.State.ManagerId = command.ManagerId;
            await WriteAsync("group.updated", changes);
        }

        return Info();
    }

    public async Task DeleteAsync(long? expectedVersion)
    {
        EnsureExists();
        Concurrency.Check(state.Version, expectedVersion);
        state.State.Deleted = true;
        await WriteAsync("group.deleted", new() { ["deleted"] = new(false, true) });
    }

    public async Task AddMemberAsync(Guid userId)
    {
        EnsureExists();
        if (!state.State.MemberIds.Contains(userId))
        {
            var before = state.State.MemberIds.ToArray();
            state.State.MemberIds.Add(userId);
            await WriteAsync("group.updated", new() { ["memberIds"] = new(before, state.State.MemberIds) });
        }
    }

    public async Task RemoveMemberAsync(Guid userId)
    {
        EnsureExists();
        var before = state.State.MemberIds.ToArray();
        if (state.State.MemberIds.Remove(userId))
        {
            await WriteAsync("group.updated", new() { ["memberIds"] = new(before, state.State.MemberIds) });
        }
    }

    private Task WriteAsync(string eventType, Dictionary<string, FieldChange> changes) =>
        state.WriteStateAsync([new GrainEvent(eventType, "group", Key, new { id = Key, state.State.Name }, changes)]);

    private void EnsureExists()
    {
        if (!state.RecordExists || state.State.Deleted)
        {
            throw DomainException.NotFound("The group");
        }
    }

    private GroupInfo Info() => new(Key, state.State.Name, state.State.MemberIds, state.State.ManagerId, state.Version);
}
