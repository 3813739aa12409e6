using System.Globalization;
using System.Text.Json;
using M3CoreCRM.ApiHost.Conventions;
using M3CoreCRM.ApiHost.Identity;
using M3CoreCRM.Grains.Abstractions.Notifications;
using M3CoreCRM.Grains.Abstractions.Tenancy;
using M3CoreCRM.Grains.Persistence;
using Npgsql;

namespace M3CoreCRM.ApiHost.Notifications;

/// <summary>A notification as its recipient sees it in the centre.</summary>
public sealed record NotificationView(
    Guid Id, string EventType, string EntityType, Guid EntityId, string Title, string Body, DateTime CreatedAt, bool Read, DateTime? ReadAt);

public sealed record UnreadCount(int Count);

public sealed record ReadAllResult(DateTime ReadAllAt);

/// <summary>
/// The caller's in-app notification centre: newest first, unread count, read one, read all. Every
/// caller has one; it holds only their own notifications, so no permission is needed.
/// </summary>
public static class NotificationsApi
{
    private static readonly SortColumn CreatedAt = new("created_at", "timestamptz");

    public static RouteGroupBuilder MapNotificationsApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapTenantGroup("/api/v1/notifications", "Notifications");
        group.MapGet("", ListAsync).WithName("ListNotifications").WithSummary("List my notifications")
            .WithDescription("The caller's in-app notifications, newest first. `unread=true` lists only unread ones.");
        group.MapGet("/unread-count", UnreadCountAsync).WithName("CountUnreadNotifications").WithSummary("Count my unread notifications");
        group.MapPost("/{id:guid}/read", ReadAsync).WithName("ReadNotification").WithSummary("Mark a notification read");
        group.MapPost("/read-all", ReadAllAsync).WithName("ReadAllNotifications").WithSummary("Mark all notifications read")
            .WithDescription("Marks every notification created up to now as read.");
        return group;
    }

    private static async Task<Ok<Page<NotificationView>>> ListAsync(Caller caller, NpgsqlDataSource db, bool? unread, string? cursor, int? limit, CancellationToken cancellationToken)
    {
        var take = Cursor.Limit(limit);
        var after = Cursor.Decode(cursor);
        await using var batch = db.ForTenant(caller.TenantId);
        var command = batch.Add("");
        var where = new SqlConditions(command);
        var me = where.Param(caller.UserId);
        where.Where($"n.tenant_id = {where.Param(caller.TenantId)} AND n.recipient_id = {me} AND n.channel = 'in_app'");
        if (unread == true)
        {
            where.Where("n.read_at IS NULL AND n.created_at > coalesce(i.read_all_at, '-infinity')");
        }

        where.After(after, CreatedAt, descending: true, "n");
        command.CommandText = $"""
            SELECT n.id, n.state::text, i.read_all_at
            FROM notifications n
            LEFT JOIN notification_inboxes i ON i.tenant_id = n.tenant_id AND i.id = n.recipient_id
            WHERE {where}
            ORDER BY {SortOptions.OrderBy(CreatedAt, true, "n")}
            LIMIT {where.Param(take + 1)}
            """;
        var items = new List<NotificationView>();
        await using (var reader = await batch.ReadAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var stored = JsonSerializer.Deserialize<StoredNotification>(reader.GetString(1), GrainJson.Options)!;
                DateTime? readAllAt = reader.IsDBNull(2) ? null : reader.GetDateTime(2);
                var read = stored.ReadAt is not null || stored.CreatedAt <= readAllAt;
                items.Add(new NotificationView(reader.GetGuid(0), stored.EventType, stored.EntityType, stored.EntityId, stored.Title, stored.Body, stored.CreatedAt, read, stored.ReadAt ?? (read ? readAllAt : null)));
            }
        }

        return TypedResults.Ok(Page.FromRows(items, take, n => new Cursor(n.CreatedAt.ToString("O", CultureInfo.InvariantCulture), n.Id)));
    }

    private static async Task<Ok<UnreadCount>> UnreadCountAsync(Caller caller, NpgsqlDataSource db, CancellationToken cancellationToken)
    {
        await using var batch = db.ForTenant(caller.TenantId);
        batch.Add("""
            SELECT count(*)::int FROM notifications n
            WHERE n.tenant_id = $1 AND n.recipient_id = $2 AND n.channel = 'in_app' AND n.read_at IS NULL
              AND n.created_at > coalesce((SELECT read_all_at FROM notification_inboxes WHERE tenant_id = $1 AND id = $2), '-infinity')
            """).With(caller.TenantId).With(caller.UserId);
        return TypedResults.Ok(new UnreadCount((int)(await batch.ScalarAsync(cancellationToken) ?? 0)));
    }

    private static async Task<Ok<NotificationView>> ReadAsync(Guid id, Caller caller, IGrainFactory grains)
    {
        var read = await grains.GetGrain<INotificationGrain>(caller.TenantId, id).MarkReadAsync(caller.UserId);
        return TypedResults.Ok(new NotificationView(read.Id, read.EventType, read.EntityType, read.EntityId, read.Title, read.Body, read.CreatedAt, true, read.ReadAt));
    }

    private static async Task<Ok<ReadAllResult>> ReadAllAsync(Caller caller, IGrainFactory grains) =>
        TypedResults.Ok(new ReadAllResult(await grains.GetGrain<INotificationInboxGrain>(caller.TenantId, caller.UserId).ReadAllAsync()));

    private sealed record StoredNotification(string EventType, string EntityType, Guid EntityId, string Title, string Body, DateTime CreatedAt, DateTime? ReadAt);
}
