using M3CoreCRM.Runtime.Grains;

namespace M3CoreCRM.Grains.Abstractions.Leads;

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
public interface IGroupAssignmentGrain : IGrain
{
    Task<Guid> PickAsync(AssignmentStrategy strategy);
}
