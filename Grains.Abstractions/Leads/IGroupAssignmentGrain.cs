
namespace M3CoreCRM.Grains.Abstractions.Leads;

[GenerateSerializer, Alias("crm.AssignmentStrategy")]
public enum AssignmentStrategy
{
    RoundRobin,
    LeastLoaded,
}

/// <summary>
/// Picks the member of a group who gets the next lead (key: the group id). One pick at a time, so that
/// concurrent assignments are fair: round robin hands out members in turn (100 leads over 5 members:
/// 20 each); least loaded picks the active member with the fewest open leads, counting its own picks.
/// 409 <c>group_empty</c> when the group has no active member.
/// </summary>
[Alias("crm.IGroupAssignmentGrain")]
public interface IGroupAssignmentGrain : IGrainWithGuidCompoundKey
{
    [Alias("Pick")]
    Task<Guid> PickAsync(AssignmentStrategy strategy);
}
