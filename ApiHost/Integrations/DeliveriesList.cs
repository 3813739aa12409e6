using M3CoreCRM.ApiHost.Conventions;
using M3CoreCRM.ApiHost.Identity;
using M3CoreCRM.Grains.Persistence;
using Npgsql;

namespace M3CoreCRM.ApiHost.Integrations;

/// <summary>A message of the delivery outbox, without its body.</summary>
public sealed record DeliveryView(
    Guid Id, string Channel, string Recipient, string Subject, string Status, int Attempts, string? LastError, string? ProviderMessageId, string? ProviderStatus,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

public static partial class IntegrationsApi
{
    private static readonly string[] DeliveryStatuses = ["pending", "sending", "sent", "failed"];

    private static async Task<Ok<Page<DeliveryView>>> ListDeliveriesAsync(
        Caller caller, NpgsqlDataSource db, string? status, string? channel, string? cursor, int? limit, CancellationToken cancellationToken)
    {
        new Validation()
            .Check(status is null || DeliveryStatuses.Contains(status), "status", "One of: pending, sending, sent, failed.")
            .Check(channel is null || channel is "email" or "sms" or "whatsapp", "channel", "One of: email, sms, whatsapp.")
            .ThrowIfInvalid();
        var take = Cursor.Limit(limit);
        var after = Cursor.Decode(cursor)?.Id;
        await using var batch = db.ForTenant(caller.TenantId);
        var command = batch.Add("""
            SELECT id, channel, recipient, subject, status, attempts, last_error, provider_message_id, provider_status, created_at, updated_at
            FROM deliveries
            WHERE tenant_id = $1 AND ($2::text IS NULL OR status = $2) AND ($3::text IS NULL OR channel = $3) AND ($4::uuid IS NULL OR id < $4)
            ORDER BY id DESC LIMIT $5
            """).With(caller.TenantId);
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)status ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)channel ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)after ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Uuid });
        command.With(take + 1);
        var rows = new List<DeliveryView>();
        await using var reader = await batch.ReadAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new DeliveryView(
                reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetInt32(5),
                reader.IsDBNull(6) ? null : reader.GetString(6), reader.IsDBNull(7) ? null : reader.GetString(7), reader.IsDBNull(8) ? null : reader.GetString(8),
                reader.GetFieldValue<DateTimeOffset>(9), reader.GetFieldValue<DateTimeOffset>(10)));
        }

        return TypedResults.Ok(Page.FromRows(rows, take, row => new Cursor(null, row.Id)));
    }
}
