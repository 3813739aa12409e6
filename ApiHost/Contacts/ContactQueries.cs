using System.Text.Json;
using M3CoreCRM.ApiHost.Identity;
using M3CoreCRM.Runtime.Persistence;
using Npgsql;

namespace M3CoreCRM.ApiHost.Contacts;

/// <summary>SQL reads of contacts and companies: one record within the caller's scope, and a scoped page of a list.</summary>
public sealed class ContactQueries(NpgsqlDataSource db)
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

/// <summary>The tables of owned records these queries may read (never a name from a request).</summary>
public sealed record OwnedTable(string Name)
{
    public static readonly OwnedTable Contacts = new("contacts");
    public static readonly OwnedTable Companies = new("companies");
    public static readonly OwnedTable Deals = new("deals");
    public static readonly OwnedTable Tasks = new("tasks");
}
