using M3CoreCRM.Grains.Abstractions.Activities;
using M3CoreCRM.Runtime.Grains;

namespace M3CoreCRM.Grains.Abstractions.Tasks;

public enum TaskPriority
{
    Low,
    Normal,
    High,
}

public enum TaskItemStatus
{
    Open,
    Completed,
}

public sealed record TaskItemFields(string Title, DateTime DueAt, Guid AssigneeId, ActivitySubject? Subject, TaskPriority Priority, string? Notes);

public sealed record TaskItemInfo(
    Guid Id, string Title, DateTime DueAt, Guid AssigneeId, ActivitySubject? Subject, TaskPriority Priority, string? Notes,
    TaskItemStatus Status, DateTime? CompletedAt, bool Overdue, Guid CreatedBy, DateTime CreatedAt, long Version);

/// <summary>
/// A task (key: the task id). While it is open, a durable reminder fires at its due time and raises
/// <c>task.due</c> (once per due time; moving the due time arms it again), which notifies the assignee.
/// </summary>
public interface ITaskItemGrain : IGrain
{
    Task<TaskItemInfo> CreateAsync(TaskItemFields fields);

    [ReadOnly]
    Task<TaskItemInfo> GetAsync();

    Task<TaskItemInfo> UpdateAsync(TaskItemFields fields, long? expectedVersion);

    /// <summary>Completes the task; completing it again changes nothing.</summary>
    Task<TaskItemInfo> CompleteAsync();
}
