using System.Text.Json;
using M3CoreCRM.ApiHost.Identity;
using M3CoreCRM.Grains.Persistence;
using Npgsql;

namespace M3CoreCRM.ApiHost.Conventions;

/// <summary>SQL reads of owned records (contacts, companies, deals, tasks) within the caller's scope, and pages of tenant settings.</summary>
public sealed class RecordQueries(NpgsqlDataSource db)
{
    /// <summary>The record's stored state as <typeparamref name="T"/>, when it exists and is within the caller's scope of <paramref name="permission"/>.</summary>
    public async Task<T?> ReadAsync<T>(Caller caller, OwnedTable table, Guid id, string permission, CancellationToken cancellationToken)
        where T : class
    {
        await using var batch = db.ForTenant(caller.TenantId);
        var command = batch.Add("");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = caller.TenantId });
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
        var scope = ScopeFilter.Condition(caller, permission, "r.owner_id", command);
        command.CommandText = $"SELECT r.id, r.state::text, r.version FROM {table.Name} r WHERE r.tenant_id = $1 AND r.id = $2 AND NOT r.deleted AND {scope}";
        await using var reader = await batch.ReadAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Row<T>(reader) : null;
    }

    /// <summary>
    /// A keyset page, by name, of a table of tenant settings that every reader of the feature sees whole
    /// (pipelines, call queues): no owner scope.
    /// </summary>
    public async Task<Page<T>> PageByNameAsync<T>(Caller caller, SettingsTable table, string? cursor, int? limit, Func<T, string> nameOf, Func<T, Guid> idOf, CancellationToken cancellationToken)
    {
        var take = Cursor.Limit(limit);
        var after = Cursor.Decode(cursor);
        var column = new SortColumn("name", "text");
        await using var batch = db.ForTenant(caller.TenantId);
        var command = batch.Add("");
        var where = new SqlConditions(command);
        where.Where($"r.tenant_id = {where.Param(caller.TenantId)}");
        if (table.SoftDeleted)
        {
            where.Where("NOT r.deleted");
        }

        where.After(after, column, false, "r");
        command.CommandText = $"SELECT r.id, r.state::text, r.version FROM {table.Name} r WHERE {where} ORDER BY {SortOptions.OrderBy(column, false, "r")} LIMIT {where.Param(take + 1)}";
        var items = new List<T>();
        await using (var reader = await batch.ReadAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                items.Add(Row<T>(reader));
            }
        }

        return Page.FromRows(items, take, item => new Cursor(nameOf(item), idOf(item)));
    }

    /// <summary>A stored row as the API shows it: the state with its id and version.</summary>
    public static T Row<T>(NpgsqlDataReader reader)
    {
        var json = JsonNode(reader.GetString(1));
        json["id"] = reader.GetGuid(0);
        json["version"] = reader.GetInt64(2);
        return json.Deserialize<T>(GrainJson.Options)!;
    }

    private static System.Text.Json.Nodes.JsonObject JsonNode(string json) => System.Text.Json.Nodes.JsonNode.Parse(json)!.AsObject();
}

/// <summary>The tables of tenant settings listed whole (never a name from a request); <paramref name="SoftDeleted"/> rows with <c>deleted</c> set are left out.</summary>
public sealed record SettingsTable(string Name, bool SoftDeleted = false)
{
    public static readonly SettingsTable Pipelines = new("pipelines");
    public static readonly SettingsTable CallQueues = new("call_queues");
    public static readonly SettingsTable ApprovalPolicies = new("approval_policies", SoftDeleted: true);
}

/// <summary>The tables of owned records these queries may read (never a name from a request).</summary>
public sealed record OwnedTable(string Name)
{
    public static readonly OwnedTable Contacts = new("contacts");
    public static readonly OwnedTable Companies = new("companies");
    public static readonly OwnedTable Deals = new("deals");
    public static readonly OwnedTable Tasks = new("tasks");
}
