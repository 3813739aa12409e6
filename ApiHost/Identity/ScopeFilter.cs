using M3CoreCRM.Grains.Abstractions.Identity;
using Npgsql;

namespace M3CoreCRM.ApiHost.Identity;

/// <summary>
/// The caller's scope for a permission as a SQL condition over a record's owner column, added to
/// the read query itself: <c>own</c> = records the caller owns, <c>group</c> = records owned by any
/// member of the caller's groups (the caller included), <c>all</c> = the tenant. Without the
/// permission the condition is false. A record outside the scope is therefore never listed, and
/// reads as 404 when fetched by id.
/// </summary>
public static class ScopeFilter
{
    public static string Condition(Caller caller, string permission, string ownerColumn, NpgsqlBatchCommand command)
    {
        switch (caller.ScopeOf(permission))
        {
            case PermissionScope.All:
                return "TRUE";
            case PermissionScope.Own:
                command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = caller.UserId });
                return $"{ownerColumn} = ${command.Parameters.Count}";
            case PermissionScope.Group:
                command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = caller.UserId });
                var me = command.Parameters.Count;
                command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = caller.TenantId });
                var tenant = command.Parameters.Count;
                return $"""
                    ({ownerColumn} = ${me} OR {ownerColumn} IN (
                        SELECT member.id::uuid FROM groups g, jsonb_array_elements_text(g.state -> 'memberIds') AS member(id)
                        WHERE g.tenant_id = ${tenant} AND NOT g.deleted AND (g.state -> 'memberIds') ? ${me}::text))
                    """;
            default:
                return "FALSE";
        }
    }
}
