using M3CoreCRM.ApiHost.Conventions;
using M3CoreCRM.ApiHost.Identity;
using M3CoreCRM.ApiHost.Users;
using M3CoreCRM.Grains.Abstractions.Identity;
using M3CoreCRM.Grains.Abstractions.Tenancy;
using M3CoreCRM.Grains.Persistence;
using System.Text.Json;
using Npgsql;

namespace M3CoreCRM.ApiHost.Groups;

public sealed record SaveGroupRequest([property: NeverNull] string? Name, [property: NeverNull] Guid[]? MemberIds, Guid? ManagerId);

/// <summary>Teams: members and a manager; the unit of <c>group</c> scope, round-robin assignment and approval routing.</summary>
public static class GroupsApi
{
    public static RouteGroupBuilder MapGroupsApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapTenantGroup("/api/v1/groups", "Groups").ChangesAccess();
        group.MapGet("", ListAsync).WithName("ListGroups").WithSummary("List groups").WithDescription("In name order; q matches the name.");
        group.MapGet("/{id:guid}", GetAsync).WithName("GetGroup").WithSummary("Get a group");
        group.MapPost("", CreateAsync).WithName("CreateGroup").WithSummary("Create a group").RequirePermission(Permissions.UsersManage);
        group.MapPatch("/{id:guid}", UpdateAsync).WithName("UpdateGroup").WithSummary("Update a group").RequirePermission(Permissions.UsersManage);
        group.MapDelete("/{id:guid}", DeleteAsync).WithName("DeleteGroup").WithSummary("Delete a group").RequirePermission(Permissions.UsersManage);
        return group;
    }

    private static async Task<Ok<Page<GroupInfo>>> ListAsync(Caller caller, NpgsqlDataSource db, string? q, string? cursor, int? limit, CancellationToken cancellationToken)
    {
        var take = Cursor.Limit(limit);
        var after = Cursor.Decode(cursor);
        await using var batch = db.ForTenant(caller.TenantId);
        var command = batch.Add("""
            SELECT id, name, state::text, version FROM groups g WHERE tenant_id = $1 AND NOT deleted AND ($2::text IS NULL OR (lower(g.name), g.id) > ($2, $3))
              AND ($5::text IS NULL OR lower(g.name) LIKE '%' || $5 || '%')
            ORDER BY lower(g.name), g.id LIMIT $4
            """);
        command.Parameters.AddWithValue(caller.TenantId);
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)after?.Value ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.AddWithValue(after?.Id ?? Guid.Empty);
        command.Parameters.AddWithValue(take + 1);
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)SqlConditions.LikeLiteral(q) ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        var groups = new List<GroupInfo>();
        await using (var reader = await batch.ReadAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                using var state = JsonDocument.Parse(reader.GetString(2));
                var root = state.RootElement;
                groups.Add(new GroupInfo(
                    reader.GetGuid(0),
                    reader.GetString(1),
                    root.GetProperty("memberIds").Deserialize<Guid[]>(GrainJson.Options) ?? [],
                    root.TryGetProperty("managerId", out var manager) && manager.ValueKind == JsonValueKind.String ? manager.GetGuid() : null,
                    reader.GetInt64(3)));
            }
        }

        var page = groups.Take(take).ToList();
        var next = groups.Count > take ? new Cursor(page[^1].Name.ToLowerInvariant(), page[^1].Id).Encode() : null;
        return TypedResults.Ok(new Page<GroupInfo>(page, next));
    }

    private static async Task<Ok<GroupInfo>> GetAsync(Guid id, Caller caller, IGrainFactory grains, HttpResponse response)
    {
        var group = await grains.GetGrain<IGroupGrain>(caller.TenantId, id).GetAsync();
        Versioning.SetETag(response, group.Version);
        return TypedResults.Ok(group);
    }

    private static async Task<Created<GroupInfo>> CreateAsync(SaveGroupRequest request, Caller caller, IGrainFactory grains, UserQueries users, CancellationToken cancellationToken)
    {
        await ValidateAsync(request, caller, users, cancellationToken);
        var id = Guid.CreateVersion7();
        var group = await grains.GetGrain<IGroupGrain>(caller.TenantId, id).CreateAsync(new SaveGroup(request.Name!.Trim(), request.MemberIds ?? [], request.ManagerId));
        return TypedResults.Created($"/api/v1/groups/{id}", group);
    }

    private static async Task<Ok<GroupInfo>> UpdateAsync(Guid id, SaveGroupRequest request, Caller caller, IGrainFactory grains, UserQueries users, HttpContext context, CancellationToken cancellationToken)
    {
        var grain = grains.GetGrain<IGroupGrain>(caller.TenantId, id);
        var current = await grain.GetAsync();
        var merged = new SaveGroupRequest(request.Name ?? current.Name, request.MemberIds ?? [.. current.MemberIds], request.ManagerId ?? current.ManagerId);
        await ValidateAsync(merged, caller, users, cancellationToken);
        var group = await grain.UpdateAsync(new SaveGroup(merged.Name!.Trim(), merged.MemberIds!, merged.ManagerId), Versioning.IfMatch(context.Request));
        Versioning.SetETag(context.Response, group.Version);
        return TypedResults.Ok(group);
    }

    private static async Task<NoContent> DeleteAsync(Guid id, Caller caller, IGrainFactory grains, HttpContext context)
    {
        await grains.GetGrain<IGroupGrain>(caller.TenantId, id).DeleteAsync(Versioning.IfMatch(context.Request));
        return TypedResults.NoContent();
    }

    private static async Task ValidateAsync(SaveGroupRequest request, Caller caller, UserQueries users, CancellationToken cancellationToken)
    {
        var validation = new Validation().Required("name", request.Name, 100);
        var people = (request.MemberIds ?? []).Concat(request.ManagerId is { } manager ? [manager] : []).ToArray();
        if (people.Length > 0 && await users.UnknownUsersAsync(caller.TenantId, people, cancellationToken) is { Length: > 0 } unknown)
        {
            validation.Add("memberIds", $"Unknown users: {string.Join(", ", unknown)}.");
        }

        validation.ThrowIfInvalid();
    }
}
