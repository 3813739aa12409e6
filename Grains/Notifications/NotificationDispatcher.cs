using System.Text.Json;
using M3CoreCRM.Grains.Abstractions.Identity;
using M3CoreCRM.Grains.Abstractions.Notifications;
using M3CoreCRM.Grains.Events;
using M3CoreCRM.Grains.Persistence;
using Npgsql;

namespace M3CoreCRM.Grains.Notifications;

/// <summary>
/// Turns events into notifications: matches the tenant's rules, resolves the recipients (never the person who
/// caused the event) and creates one notification grain per recipient and channel, then moves the tenant's
/// checkpoint. Notification ids are derived from (event, recipient, channel), so events dispatched twice (after a
/// crash before the checkpoint moved) create nothing twice. Each tenant's events are dispatched by its
/// <see cref="NotificationDispatcherGrain"/>, which takes them from the tenant's live stream.
/// </summary>
public sealed class NotificationDispatcher(NpgsqlDataSource dataSource, TenantEventLog log, IGrainFactory grains)
{
    private const int ReadBatch = 200;

    /// <summary>Dispatches the tenant's events after <paramref name="checkpoint"/> that the log has now, saves and returns the new checkpoint.</summary>
    public async Task<long> DispatchAsync(Guid tenantId, long checkpoint, CancellationToken cancellationToken)
    {
        var start = checkpoint;
        while (true)
        {
            var events = await log.ReadAsync(tenantId, checkpoint, ReadBatch, cancellationToken);
            checkpoint = await DispatchAsync(tenantId, checkpoint, events, cancellationToken);
            if (events.Count < ReadBatch)
            {
                break;
            }
        }

        if (checkpoint > start)
        {
            await SaveCheckpointAsync(tenantId, checkpoint, cancellationToken);
        }

        return checkpoint;
    }

    /// <summary>
    /// Dispatches <paramref name="events"/>, which follow <paramref name="checkpoint"/> in order with no gap, and
    /// returns the new checkpoint (not saved: see <see cref="SaveCheckpointAsync"/>).
    /// </summary>
    public async Task<long> DispatchAsync(Guid tenantId, long checkpoint, IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken)
    {
        if (events.Count == 0)
        {
            return checkpoint;
        }

        var rules = (await grains.GetGrain<INotificationRulesGrain>(tenantId, tenantId).GetAsync()).Rules.ToLookup(r => r.EventType, StringComparer.Ordinal);
        var roleMembers = new Dictionary<Guid, IReadOnlyList<Guid>>();
        var viewers = new RecipientDirectory(dataSource, tenantId);
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

        return events[^1].Sequence;
    }

    /// <summary>
    /// Records how far the tenant's events have been dispatched. Dispatching again from an older checkpoint creates
    /// nothing twice, so it may be saved lazily.
    /// </summary>
    public async Task SaveCheckpointAsync(Guid tenantId, long checkpoint, CancellationToken cancellationToken)
    {
        await using var batch = dataSource.ForTenant(tenantId);
        batch.Add("""
            INSERT INTO notification_checkpoints AS c (tenant_id, seq) VALUES ($1, $2)
            ON CONFLICT (tenant_id) DO UPDATE SET seq = greatest(c.seq, EXCLUDED.seq)
            """).With(tenantId).With(checkpoint);
        await batch.ExecuteAsync(cancellationToken);
    }

    /// <summary>How far the tenant's events have been dispatched.</summary>
    public async Task<long> CheckpointAsync(Guid tenantId, CancellationToken cancellationToken)
    {
        await using var batch = dataSource.ForTenant(tenantId);
        batch.Add("SELECT seq FROM notification_checkpoints WHERE tenant_id = $1").With(tenantId);
        return await batch.ScalarAsync(cancellationToken) is long seq ? seq : 0;
    }

    /// <summary>The same notification (event, recipient, channel) always gets the same id; its time is the event's.</summary>
    public static Guid NotificationId(StoredEvent e, Guid recipientId, NotificationChannel channel) =>
        DerivedIds.Create(e.OccurredAt.ToUnixTimeMilliseconds(), $"{e.TenantId:N}:{e.Sequence}:{recipientId:N}:{channel}");

    /// <summary>Tenants whose logs have grown past their checkpoint.</summary>
    public async Task<List<(Guid TenantId, long Checkpoint)>> LaggingTenantsAsync(CancellationToken cancellationToken)
    {
        // Across tenants by nature: which logs have grown past their checkpoint.
        await using var batch = dataSource.ForSystem();
        batch.Add("""
            SELECT s.tenant_id, coalesce(c.seq, 0)
            FROM event_positions s LEFT JOIN notification_checkpoints c ON c.tenant_id = s.tenant_id
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
}
