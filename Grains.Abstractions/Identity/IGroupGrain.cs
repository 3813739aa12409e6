using M3CoreCRM.Runtime.Grains;

namespace M3CoreCRM.Grains.Abstractions.Identity;

public sealed record GroupInfo(Guid Id, string Name, IReadOnlyList<Guid> MemberIds, Guid? ManagerId, long Version);

public sealed record SaveGroup(string Name, IReadOnlyList<Guid> MemberIds, Guid? ManagerId);

/// <summary>A team of users: the unit of <c>group</c> scope, round-robin assignment and approval routing. Key: the group id.</summary>
public interface IGroupGrain : IGrain
{
    Task<GroupInfo> CreateAsync(SaveGroup command);

    [ReadOnly]
    Task<GroupInfo> GetAsync();

    Task<GroupInfo> UpdateAsync(SaveGroup command, long? expectedVersion);

    Task DeleteAsync(long? expectedVersion);

    /// <summary>Adds the user to the group (nothing when already a member).</summary>
    Task AddMemberAsync(Guid userId);

    /// <summary>Removes the user from the group (nothing when not a member).</summary>
    Task RemoveMemberAsync(Guid userId);
}
