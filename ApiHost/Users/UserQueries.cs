using System.Text.Json;
using M3CoreCRM.ApiHost.Conventions;
using M3CoreCRM.Grains.Abstractions.Identity;
using M3CoreCRM.Grains.Persistence;
using Npgsql;

namespace M3CoreCRM.ApiHost.Users;

/// <summary>A user as the API returns it.</summary>
public sealed record UserView(
    Guid Id, string Name, string Email, string? Mobile, IReadOnlyList<Guid> RoleIds, IReadOnlyList<Guid> GroupIds,
    UserStatus Status, bool EmailVerified, bool MobileVerified, DateTimeOffset CreatedAt, long Version)
{
    public static UserView From(UserInfo user, IReadOnlyList<Guid> groupIds) => new(
        user.Id, user.Name, user.Email, user.Mobile, user.RoleIds, groupIds, user.Status, user.EmailVerified, user.MobileVerified, user.CreatedAt, user.Version);
}

/// <summary>Reads of users: plain SQL over the <c>users</c> and <c>groups</c> tables, always filtered by tenant.</summary>
public sealed class UserQueries(NpgsqlDataSource db)
{
    private static readonly SortOptions Sorts = new("createdAt", new Dictionary<string, SortColumn>
    {
        ["createdAt"] = new("created_at", "timestamptz"),
        ["name"] = new("name", "text"),
        ["email"] = new("email", "text"),
    });

    public async Task<IReadOnlyList<Guid>> GroupIdsAsync(Guid tenantId, Guid userId, CancellationToken cancellationToken)
    {
        await using var batch = db.ForTenant(tenantId);
        batch.Add("SELECT id FROM groups WHERE tenant_id = $1 AND NOT deleted AND (state -> 'memberIds') ? $2 ORDER BY id").With(tenantId).With(userId.ToString());
        var ids = new List<Guid>();
        await using var reader = await batch.ReadAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetGuid(0));
        }

        return ids;
    }

    public async Task<Page<UserView>> ListAsync(Guid tenantId, string? status, string? q, string? sort, string? cursor, int? limit, CancellationToken cancellationToken)
    {
        var (field, column, descending) = Sorts.Parse(sort);
        var take = Cursor.Limit(limit);
        var after = Cursor.Decode(cursor);
        var sql = new System.Text.StringBuilder("""
            SELECT u.id, u.state::text, u.version,
                   coalesce((SELECT array_agg(g.id ORDER BY g.id) FROM groups g WHERE g.tenant_id = u.tenant_id AND NOT g.deleted AND (g.state -> 'memberIds') ? u.id::text), '{}'),
                   u.created_at::text, u.name, u.email
            FROM users u WHERE u.tenant_id = $1
            """);
        await using var batch = db.ForTenant(tenantId);
        var command = batch.Add("");
        command.Parameters.AddWithValue(tenantId);
        if (status is not null)
        {
            command.Parameters.AddWithValue(status);
            sql.Append($" AND u.status = ${command.Parameters.Count}");
        }

        if (!string.IsNullOrWhiteSpace(q))
        {
            command.Parameters.AddWithValue("%" + q.Trim().Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%");
            sql.Append($" AND (u.name ILIKE ${command.Parameters.Count} OR u.email ILIKE ${command.Parameters.Count})");
        }

        if (after is not null)
        {
            if (column.SqlType == "timestamptz" && !DateTimeOffset.TryParse(after.Value, System.Globalization.CultureInfo.InvariantCulture, out _))
            {
                throw Grains.Abstractions.Errors.DomainException.Invalid("cursor", "The cursor is not one this API returned, or belongs to another sort.");
            }

            command.Parameters.AddWithValue((object?)after.Value ?? DBNull.Value);
            command.Parameters.AddWithValue(after.Id);
            sql.Append(" AND ").Append(SortOptions.After(column, descending, command.Parameters.Count - 1, "u"));
        }

        command.Parameters.AddWithValue(take + 1);
        sql.Append($" ORDER BY {SortOptions.OrderBy(column, descending, "u")} LIMIT ${command.Parameters.Count}");
        command.CommandText = sql.ToString();

        var items = new List<(UserView View, string? SortValue)>();
        await using var reader = await batch.ReadAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var state = JsonDocument.Parse(reader.GetString(1)).RootElement;
            var view = new UserView(
                reader.GetGuid(0),
                state.GetProperty("name").GetString()!,
                state.GetProperty("email").GetString()!,
                state.TryGetProperty("mobile", out var mobile) && mobile.ValueKind == JsonValueKind.String ? mobile.GetString() : null,
                state.GetProperty("roleIds").Deserialize<Guid[]>(GrainJson.Options) ?? [],
                reader.GetFieldValue<Guid[]>(3),
                state.GetProperty("status").Deserialize<UserStatus>(GrainJson.Options),
                state.GetProperty("emailVerified").GetBoolean(),
                state.GetProperty("mobileVerified").GetBoolean(),
                new DateTimeOffset(state.GetProperty("createdAt").GetDateTime(), TimeSpan.Zero),
                reader.GetInt64(2));
            var sortValue = field switch { "name" => reader.GetString(5), "email" => reader.GetString(6), _ => reader.GetString(4) };
            items.Add((view, sortValue));
        }

        var next = items.Count > take ? new Cursor(items[take - 1].SortValue, items[take - 1].View.Id).Encode() : null;
        return new Page<UserView>([.. items.Take(take).Select(i => i.View)], next);
    }

    /// <summary>Which of the ids are live roles of the tenant; the rest are unknown.</summary>
    public Task<Guid[]> UnknownRolesAsync(Guid tenantId, IEnumerable<Guid> ids, CancellationToken cancellationToken) =>
        UnknownAsync("roles", tenantId, ids, cancellationToken);

    public Task<Guid[]> UnknownGroupsAsync(Guid tenantId, IEnumerable<Guid> ids, CancellationToken cancellationToken) =>
        UnknownAsync("groups", tenantId, ids, cancellationToken);

    public async Task<Guid[]> UnknownUsersAsync(Guid tenantId, IEnumerable<Guid> ids, CancellationToken cancellationToken)
    {
        var wanted = ids.Distinct().ToArray();
        await using var batch = db.ForTenant(tenantId);
        batch.Add("SELECT id FROM users WHERE tenant_id = $1 AND id = ANY($2)").With(tenantId).With(wanted);
        return await MissingAsync(batch, wanted, cancellationToken);
    }

    private async Task<Guid[]> UnknownAsync(string table, Guid tenantId, IEnumerable<Guid> ids, CancellationToken cancellationToken)
    {
        var wanted = ids.Distinct().ToArray();
        await using var batch = db.ForTenant(tenantId);
        batch.Add($"SELECT id FROM {table} WHERE tenant_id = $1 AND id = ANY($2) AND NOT deleted").With(tenantId).With(wanted);
        return await MissingAsync(batch, wanted, cancellationToken);
    }

    private static async Task<Guid[]> MissingAsync(NpgsqlBatch batch, Guid[] wanted, CancellationToken cancellationToken)
    {
        if (wanted.Length == 0)
        {
            return [];
        }

        var found = new HashSet<Guid>();
        await using var reader = await batch.ReadAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            found.Add(reader.GetGuid(0));
        }

        return [.. wanted.Where(id => !found.Contains(id))];
    }
}
