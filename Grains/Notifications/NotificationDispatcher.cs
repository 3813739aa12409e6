using System.Diagnostics;
using System.Text.Json;
using M3CoreCRM.Grains.Abstractions.Identity;
using M3CoreCRM.Grains.Abstractions.Notifications;
using M3CoreCRM.Grains.Events;
using M3CoreCRM.Grains.Persistence;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace M3CoreCRM.Grains.Notifications;

/// <summary>
/// Turns events into notifications. It reads each tenant's event log after its checkpoint, in order,
/// matches the tenant's rules, resolves the recipients (never the person who caused the event) and
/// creates one notification grain per recipient and channel, then moves the checkpoint. Notification ids
/// are derived from (event, recipient, channel), so a batch dispatched twice (after a crash, or by two
/// silos at once) creates nothing twice.
/// </summary>
public sealed partial class NotificationDispatcher(
    NpgsqlDataSource dataSource, TenantEventLog log, EventNotifications notifications, IGrainFactory grains, IStorageGate gate,
    ILogger<NotificationDispatcher> logger) : BackgroundService
{
    private const int ReadBatch = 200;

    /// <summary>A busy tenant gets this many batches per round, then the others have their turn.</summary>
    private const int MaxBatchesPerRound = 10;

    /// <summary>Rounds start at most this often, so that under a stream of writes each round takes many events (and one checkpoint write).</summary>
    private static readonly TimeSpan RoundSpacing = TimeSpan.FromMilliseconds(50);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await gate.WhenReadyAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            var appended = notifications.NextAppendAnywhere();
            var roundStarted = Stopwatch.GetTimestamp();
            try
            {
                foreach (var (tenantId, checkpoint) in await LaggingTenantsAsync(stoppingToken))
                {
                    try
                    {
                        await DispatchAsync(tenantId, checkpoint, stoppingToken, MaxBatchesPerRound);
                    }
                    catch (Exception exception) when (exception is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                    {
                        // One tenant's trouble (a lease moving, a timeout) does not hold up the others; its checkpoint stays put.
                        LogTenantFailed(logger, exception, tenantId);
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception exception)
            {
                // The checkpoint has not moved past what failed: the next round tries again.
                LogDispatchFailed(logger, exception);
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
                continue;
            }

            await EventNotifications.WaitAsync(appended, stoppingToken);
            var spacing = RoundSpacing - Stopwatch.GetElapsedTime(roundStarted);
            if (spacing > TimeSpan.Zero)
            {
                await Task.Delay(spacing, stoppingToken);
            }
        }
    }

    /// <summary>Dispatches one tenant's events after <paramref name="checkpoint"/> (up to <paramref name="maxBatches"/> batches); public for tests.</summary>
    public async Task DispatchAsync(Guid tenantId, long checkpoint, CancellationToken cancellationToken, int maxBatches = int.MaxValue)
    {
        var rules = (await grains.GetGrain<INotificationRulesGrain>(tenantId, tenantId).GetAsync()).Rules.ToLookup(r => r.EventType, StringComparer.Ordinal);
        var roleMembers = new Dictionary<Guid, IReadOnlyList<Guid>>();
        var viewers = new RecipientDirectory(dataSource, tenantId);
        for (var round = 0; round < maxBatches; round++)
        {
            var events = await log.ReadAsync(tenantId, checkpoint, ReadBatch, cancellationToken);
            foreach (var e in events)
            {
                foreach (var rule in rules[e.Type])
                {
                    foreach (var recipient in await RecipientsAsync(tenantId, rule, e, roleMembers, cancellationToken))
                    {
                        // Only active people who may read the record hear about it: a notification shows its name.
                        if (await viewers.ViewerAsync(recipient, cancellationToken) is not { } viewer || !viewer.CanSee(e))
                        {
                            continue;
                        }

                        var (title, body) = NotificationText.For(e);
                        foreach (var channel in rule.Channels.Distinct())
                        {
                            await grains.GetGrain<INotificationGrain>(tenantId, NotificationId(e, recipient, channel))
                                .CreateAsync(new NewNotification(recipient, channel, e.Type, e.EntityType, e.EntityId, e.Sequence, title, body));
                        }
                    }
                }
            }

            if (events.Count == 0)
            {
                return;
            }

            checkpoint = events[^1].Sequence;
            await using var batch = dataSource.ForTenant(tenantId);
            batch.Add("""
                INSERT INTO notification_checkpoints AS c (tenant_id, seq) VALUES ($1, $2)
                ON CONFLICT (tenant_id) DO UPDATE SET seq = greatest(c.seq, EXCLUDED.seq)
                """).With(tenantId).With(checkpoint);
            await batch.ExecuteAsync(cancellationToken);
            if (events.Count < ReadBatch)
            {
                return;
            }
        }
    }

    /// <summary>The same notification (event, recipient, channel) always gets the same id; its time is the event's.</summary>
    public static Guid NotificationId(StoredEvent e, Guid recipientId, NotificationChannel channel) =>
        DerivedIds.Create(e.OccurredAt.ToUnixTimeMilliseconds(), $"{e.TenantId:N}:{e.Sequence}:{recipientId:N}:{channel}");

    private async Task<List<(Guid TenantId, long Checkpoint)>> LaggingTenantsAsync(CancellationToken cancellationToken)
    {
        // Across tenants by nature: which logs have grown past their checkpoint.
        await using var batch = dataSource.ForSystem();
        batch.Add("""
            SELECT s.tenant_id, coalesce(c.seq, 0)
            FROM event_sequences s LEFT JOIN notification_checkpoints c ON c.tenant_id = s.tenant_id
            WHERE s.last_seq > coalesce(c.seq, 0)
            """);
        var lagging = new List<(Guid, long)>();
        await using var reader = await batch.ReadAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            lagging.Add((reader.GetGuid(0), reader.GetInt64(1)));
        }

        return lagging;
    }

    private async Task<IEnumerable<Guid>> RecipientsAsync(
        Guid tenantId, NotificationRule rule, StoredEvent e, Dictionary<Guid, IReadOnlyList<Guid>> roleMembers, CancellationToken cancellationToken)
    {
        var people = new HashSet<Guid>();
        foreach (var part in rule.Recipients)
        {
            switch (part)
            {
                case NotificationRecipient.Owner:
                    AddId(people, e.Data, "ownerId");
                    break;
                case NotificationRecipient.Assignee:
                    AddId(people, e.Data, "assigneeId");
                    break;
                case NotificationRecipient.Requester:
                    AddId(people, e.Data, "requesterId");
                    break;
                case NotificationRecipient.Approvers:
                    if (e.Data.ValueKind == JsonValueKind.Object && e.Data.TryGetProperty("approverIds", out var approvers) && approvers.ValueKind == JsonValueKind.Array)
                    {
                        foreach (var approver in approvers.EnumerateArray())
                        {
                            if (approver.ValueKind == JsonValueKind.String && approver.TryGetGuid(out var id))
                            {
                                people.Add(id);
                            }
                        }
                    }

                    break;
            }
        }

        foreach (var roleId in rule.RoleIds)
        {
            if (!roleMembers.TryGetValue(roleId, out var members))
            {
                members = await RoleMembersAsync(tenantId, roleId, cancellationToken);
                roleMembers[roleId] = members;
            }

            people.UnionWith(members);
        }

        // Nobody is notified of what they did themselves.
        if (e.ActorId is { } actor)
        {
            people.Remove(actor);
        }

        return people;
    }

    private static void AddId(HashSet<Guid> people, JsonElement data, string property)
    {
        if (data.ValueKind == JsonValueKind.Object && data.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String && value.TryGetGuid(out var id))
        {
            people.Add(id);
        }
    }

    private async Task<IReadOnlyList<Guid>> RoleMembersAsync(Guid tenantId, Guid roleId, CancellationToken cancellationToken)
    {
        await using var batch = dataSource.ForTenant(tenantId);
        batch.Add("SELECT id FROM users WHERE tenant_id = $1 AND status = 'active' AND (state -> 'roleIds') ? $2")
            .With(tenantId).With(roleId.ToString());
        var members = new List<Guid>();
        await using var reader = await batch.ReadAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            members.Add(reader.GetGuid(0));
        }

        return members;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dispatching notifications failed; retrying")]
    private static partial void LogDispatchFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dispatching notifications of tenant {TenantId} failed; it is tried again next round")]
    private static partial void LogTenantFailed(ILogger logger, Exception exception, Guid tenantId);
}
