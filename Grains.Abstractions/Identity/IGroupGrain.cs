
namespace M3CoreCRM.Grains.Abstractions.Identity;

[GenerateSerializer, Immutable, Alias("crm.GroupInfo")]
public sealed record GroupInfo([property: Id(0)] Guid Id, [property: Id(1)] string Name, [property: Id(2)] IReadOnlyList<Guid> MemberIds, [property: Id(3)] Guid? ManagerId, [property: Id(4)] long Version);

[GenerateSerializer, Immutable, Alias("crm.SaveGroup")]
public sealed record SaveGroup([property: Id(0)] string Name, [property: Id(1)] IReadOnlyList<Guid> MemberIds, [property: Id(2)] Guid? ManagerId);

/// <summary>A team of users: the unit of <c>group</c> scope, round-robin assignment and approval routing. Key: the group id.</summary>
[Alias("crm.IGroupGrain")]
public interface IGroupGrain : IGrainWithGuidCompoundKey
{
    [Alias("Create")]
    Task<GroupInfo> CreateAsync(SaveGroup command);

    [ReadOnly, Alias("Get")]
    Task<GroupInfo> GetAsync();

    [Alias("Update")]
    Task<GroupInfo> UpdateAsync(SaveGroup command, long? expectedVersion);

    [Alias("Delete")]
    Task DeleteAsync(long? expectedVersion);

    /// <summary>Adds the user to the group (nothing when already a member).</summary>
    [Alias("AddMember")]
    Task AddMemberAsync(Guid userId);

    /// <summary>Removes the user from the group (nothing when not a member).</summary>
    [Alias("RemoveMember")]
    Task RemoveMemberAsync(Guid userId);
}
