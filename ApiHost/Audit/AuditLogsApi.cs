using System.Globalization;
using System.Text;
using System.Text.Json;
using M3CoreCRM.ApiHost.Conventions;
using M3CoreCRM.ApiHost.Identity;
using M3CoreCRM.Grains.Abstractions.Identity;
using M3CoreCRM.Grains.Persistence;
using Npgsql;

namespace M3CoreCRM.ApiHost.Audit;

public sealed record AuditEntryView(long Id, DateTimeOffset At, Guid? ActorId, string? ClientAddress, string Action, string? EntityType, Guid? EntityId, JsonElement? Changes);

/// <summary>The tenant's audit log, newest first. Read-only: nothing in the API changes or removes an entry.</summary>
public static class AuditLogsApi
{
    public static RouteGroupBuilder MapAuditLogsApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapTenantGroup("/api/v1/audit-logs", "Audit");
        group.MapGet("", ListAsync).WithName("ListAuditLogs").WithSummary("Search the audit log").RequirePermission(Permissions.AuditRead);
        return group;
    }

    private static async Task<Ok<Page<AuditEntryView>>> ListAsync(
        Caller caller, NpgsqlDataSource db, Guid? actorId, string? entityType, Guid? entityId, string? action, DateTimeOffset? from, DateTimeOffset? to,
        string? q, string? cursor, int? limit, CancellationToken cancellationToken)
    {
        // No free text over the audit log: an unsupported filter is refused rather than silently ignored.
        new Validation().Check(string.IsNullOrEmpty(q), "q", "The audit log has no free-text search; filter by actorId, entityType, entityId, action, from and to.").ThrowIfInvalid();
        var take = Cursor.Limit(limit);
        var before = Cursor.Decode(cursor) is { Value: { } value } && long.TryParse(value, CultureInfo.InvariantCulture, out var id) ? id : (long?)null;
        await using var batch = db.ForTenant(caller.TenantId);
        var command = batch.Add("");
        var sql = new StringBuilder("SELECT id, at, actor_id, client_address, action, entity_type, entity_id, changes::text FROM audit_logs WHERE tenant_id = $1");
        command.Parameters.AddWithValue(caller.TenantId);
        void Filter(string condition, object value)
        {
            command.Parameters.AddWithValue(value);
            sql.Append(" AND ").Append(condition.Replace("@", "$" + command.Parameters.Count.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal));
        }

        if (actorId is { } actor)
        {
            Filter("actor_id = @", actor);
        }

        if (entityType is not null)
        {
            Filter("entity_type = @", entityType);
        }

        if (entityId is { } entity)
        {
            Filter("entity_id = @", entity);
        }

        if (action is not null)
        {
            Filter("action = @", action);
        }

        if (from is { } start)
        {
            Filter("at >= @", start.ToUniversalTime());
        }

        if (to is { } end)
        {
            Filter("at < @", end.ToUniversalTime());
        }

        if (before is { } last)
        {
            Filter("id < @", last);
        }

        command.Parameters.AddWithValue(take + 1);
        sql.Append(CultureInfo.InvariantCulture, $" ORDER BY id DESC LIMIT ${command.Parameters.Count}");
        command.CommandText = sql.ToString();

        var items = new List<AuditEntryView>();
        await using var reader = await batch.ReadAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            items.Add(new AuditEntryView(
                reader.GetInt64(0),
                reader.GetFieldValue<DateTimeOffset>(1),
                reader.IsDBNull(2) ? null : reader.GetGuid(2),
                reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetString(5),
                reader.IsDBNull(6) ? null : reader.GetGuid(6),
                reader.IsDBNull(7) ? null : JsonDocument.Parse(reader.GetString(7)).RootElement));
        }

        var next = items.Count > take ? new Cursor(items[take - 1].Id.ToString(CultureInfo.InvariantCulture), Guid.Empty).Encode() : null;
        return TypedResults.Ok(new Page<AuditEntryView>([.. items.Take(take)], next));
    }
}
