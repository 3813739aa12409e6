using M3CoreCRM.Grains.Abstractions.Activities;

namespace M3CoreCRM.Grains.Abstractions.Tasks;

[GenerateSerializer, Alias("crm.TaskPriority")]
public enum TaskPriority
{
    Low,
    Normal,
    High,
}

[GenerateSerializer, Alias("crm.TaskItemStatus")]
public enum TaskItemStatus
{
    Open,
    Completed,
}

[GenerateSerializer, Immutable, Alias("crm.TaskItemFields")]
public sealed record TaskItemFields([property: Id(0)] string Title, [property: Id(1)] DateTime DueAt, [property: Id(2)] Guid AssigneeId, [property: Id(3)] ActivitySubject? Subject, [property: Id(4)] TaskPriority Priority, [property: Id(5)] string? Notes);

[GenerateSerializer, Immutable, Alias("crm.TaskItemInfo")]
public sealed record TaskItemInfo(
    [property: Id(0)] Guid Id, [property: Id(1)] string Title, [property: Id(2)] DateTime DueAt, [property: Id(3)] Guid AssigneeId, [property: Id(4)] ActivitySubject? Subject, [property: Id(5)] TaskPriority Priority, [property: Id(6)] string? Notes,
    [property: Id(7)] TaskItemStatus Status, [property: Id(8)] DateTime? CompletedAt, [property: Id(9)] bool Overdue, [property: Id(10)] Guid CreatedBy, [property: Id(11)] DateTime CreatedAt, [property: Id(12)] long Version);

/// <summary>
/// A task (key: the task id). While it is open, a durable reminder fires at its due time and raises
/// <c>task.due</c> (once per due time; moving the due time arms it again), which notifies the assignee.
/// </summary>
[Alias("crm.ITaskItemGrain")]
public interface ITaskItemGrain : IGrainWithGuidCompoundKey
{
    [Alias("Create")]
    Task<TaskItemInfo> CreateAsync(TaskItemFields fields);

    [ReadOnly, Alias("Get")]
    Task<TaskItemInfo> GetAsync();

    [Alias("Update")]
    Task<TaskItemInfo> UpdateAsync(TaskItemFields fields, long? expectedVersion);

    /// <summary>Completes the task; completing it again changes nothing.</summary>
    [Alias("Complete")]
    Task<TaskItemInfo> CompleteAsync();
}
