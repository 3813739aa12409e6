using M3CoreCRM.Grains.Abstractions.Activities;
using M3CoreCRM.Grains.Abstractions.Tasks;
using M3CoreCRM.Grains.Events;
using M3CoreCRM.Grains.Persistence;

namespace M3CoreCRM.Grains.Tasks;

public sealed class TaskItemState
{
    public string Title { get; set; } = "";

    public DateTime DueAt { get; set; }

    public Guid AssigneeId { get; set; }

    public ActivitySubject? Subject { get; set; }

    public TaskPriority Priority { get; set; }

    public string? Notes { get; set; }

    public TaskItemStatus Status { get; set; }

    public DateTime? CompletedAt { get; set; }

    /// <summary>Names the reminder of the current due time; a reminder of an earlier one does nothing.</summary>
    public Guid? DueId { get; set; }

    /// <summary>True once <c>task.due</c> was raised for the current due time.</summary>
    public bool DueRaised { get; set; }

    public Guid CreatedBy { get; set; }

    public DateTime CreatedAt { get; set; }
}

[GrainType("task")]
public sealed class TaskItemGrain([PersistentState("tasks", CrmStorage.Name)] IPersistentState<TaskItemState> state) : CrmGrain, ITaskItemGrain, IRemindable
{
    private const string DuePrefix = "due:";

    public async Task<TaskItemInfo> CreateAsync(TaskItemFields fields)
    {
        if (state.RecordExists)
        {
            throw new DomainException(DomainErrorKind.Conflict, "task_exists", "This task already exists.");
        }

        state.State = new TaskItemState { Status = TaskItemStatus.Open, CreatedBy = CallerContext.ActorId ?? Guid.Empty, CreatedAt = DateTime.UtcNow };
        var changes = Apply(fields);
        await ArmAsync();
        await WriteAsync("task.created", changes);
        return Info();
    }

    public Task<TaskItemInfo> GetAsync()
    {
        EnsureExists();
        return Task.FromResult(Info());
    }

    public async Task<TaskItemInfo> UpdateAsync(TaskItemFields fields, long? expectedVersion)
    {
        EnsureExists();
        Concurrency.Check(state.Version, expectedVersion);
        var dueBefore = state.State.DueAt;
        var changes = Apply(fields);
        if (changes.Count > 0)
        {
            var previous = state.State.DueId;
            if (dueBefore != state.State.DueAt && state.State.Status == TaskItemStatus.Open)
            {
                await ArmAsync();
            }

            await WriteAsync("task.updated", changes);
            if (previous != state.State.DueId)
            {
                await ForgetAsync(previous);
            }
        }

        return Info();
    }

    public async Task<TaskItemInfo> CompleteAsync()
    {
        EnsureExists();
        var s = state.State;
        if (s.Status == TaskItemStatus.Completed)
        {
            return Info();
        }

        var previous = s.DueId;
        s.Status = TaskItemStatus.Completed;
        s.CompletedAt = DateTime.UtcNow;
        s.DueId = null;
        await WriteAsync("task.completed", new() { ["status"] = new(TaskItemStatus.Open, TaskItemStatus.Completed) });
        await ForgetAsync(previous);
        return Info();
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) => HandleOnceAsync(reminderName, () => OnReminderAsync(reminderName));

    private async Task OnReminderAsync(string reminderName)
    {
        var s = state.State;
        if (state.RecordExists && s.Status == TaskItemStatus.Open && !s.DueRaised && s.DueId is { } dueId && reminderName == DuePrefix + dueId)
        {
            if (s.DueAt > DateTime.UtcNow)
            {
                // Early by this silo's clock: wait out the rest rather than lose the notification.
                await RemindOnceAsync(reminderName, s.DueAt - DateTime.UtcNow);
                return;
            }

            s.DueRaised = true;
            await WriteAsync("task.due", new() { ["dueRaised"] = new(false, true) });
        }
    }

    /// <summary>A new due time gets a new reminder, registered before the write (a failed write leaves one that finds no due time of its id).</summary>
    private async Task ArmAsync()
    {
        var s = state.State;
        s.DueId = Guid.CreateVersion7();
        s.DueRaised = false;
        await RemindOnceAsync(DuePrefix + s.DueId, s.DueAt > DateTime.UtcNow ? s.DueAt - DateTime.UtcNow : TimeSpan.Zero);
    }

    private Task ForgetAsync(Guid? dueId) => dueId is null ? Task.CompletedTask : ForgetReminderAsync(DuePrefix + dueId);

    private Dictionary<string, FieldChange> Apply(TaskItemFields f)
    {
        var s = state.State;
        var changes = new Dictionary<string, FieldChange>();
        Change.Track(changes, "title", s.Title, f.Title, v => s.Title = v);
        Change.Track(changes, "dueAt", s.DueAt, f.DueAt, v => s.DueAt = v);
        Change.Track(changes, "assigneeId", s.AssigneeId, f.AssigneeId, v => s.AssigneeId = v);
        Change.Track(changes, "subject", s.Subject, f.Subject, v => s.Subject = v);
        Change.Track(changes, "priority", s.Priority, f.Priority, v => s.Priority = v);
        Change.Track(changes, "notes", s.Notes, f.Notes, v => s.Notes = v);
        return changes;
    }

    private Task WriteAsync(string eventType, Dictionary<string, FieldChange> changes)
    {
        var s = state.State;
        return state.WriteStateAsync([new GrainEvent(eventType, "task", Key, new
        {
            id = Key, s.Title, name = s.Title, s.DueAt, assigneeId = s.AssigneeId, ownerId = s.AssigneeId, s.Status, s.Subject,
        }, changes)]);
    }

    private void EnsureExists()
    {
        if (!state.RecordExists)
        {
            throw Absent("The task");
        }
    }

    private TaskItemInfo Info()
    {
        var s = state.State;
        return new TaskItemInfo(Key, s.Title, s.DueAt, s.AssigneeId, s.Subject, s.Priority, s.Notes, s.Status, s.CompletedAt,
            s.Status == TaskItemStatus.Open && s.DueAt <= DateTime.UtcNow, s.CreatedBy, s.CreatedAt, state.Version);
    }
}
