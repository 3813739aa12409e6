using System.Text.Json;
using M3CoreCRM.Grains.Persistence;
using Npgsql;
using NpgsqlTypes;

namespace M3CoreCRM.ApiHost.Identity;

/// <summary>
/// Audit entries that are not part of a grain write (grain writes audit themselves, in their own
/// transaction): logins, failed logins, permission denials.
/// </summary>
public sealed class AuditWriter(NpgsqlDataSource dataSource)
{
    public async Task WriteAsync(Guid tenantId, Guid? actorId, string? clientAddress, string action, string? entityType, Guid? entityId, object? details, CancellationToken cancellationToken)
    {
        await using var batch = dataSource.ForTenant(tenantId);
        var command = batch.Add("""
            INSERT INTO audit_logs (tenant_id, actor_id, client_address, action, entity_type, entity_id, changes)
            VALUES ($1, $2, $3, $4, $5, $6, $7)
            """);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = tenantId });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)actorId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)clientAddress ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = action });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)entityType ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)entityId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid });
        command.Parameters.Add(new NpgsqlParameter
        {
            Value = details is null ? DBNull.Value : JsonSerializer.Serialize(details, GrainJson.Options),
            NpgsqlDbType = NpgsqlDbType.Jsonb,
        });
        await batch.ExecuteAsync(cancellationToken);
    }
}
