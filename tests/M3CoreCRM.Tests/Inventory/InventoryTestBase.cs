using System.Net;
using System.Text.Json;
using M3CoreCRM.Tests.Infrastructure;
using Npgsql;

namespace M3CoreCRM.Tests.Inventory;

/// <summary>An ApiHost (with its in-process silo) on a database of the class's own, which a test may restart.</summary>
public abstract class InventoryTestBase(PostgresFixture postgres) : IAsyncLifetime
{
    protected string ConnectionString { get; private set; } = "";

    protected ApiFactory Api { get; private set; } = null!;

    protected HttpClient Http { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        ConnectionString = await postgres.Server.CreateDatabaseAsync("inventory");
        Start();
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await Api.DisposeAsync();
    }

    /// <summary>Stops the ApiHost and its silo and starts them afresh on the same database: nothing survives but what is stored.</summary>
    protected async Task RestartAsync()
    {
        Http.Dispose();
        await Api.DisposeAsync();
        Start();
    }

    /// <summary>Moves a unit's pending reminders to now, as if their time had come: the reminder service then fires them as it would.</summary>
    protected async Task<int> BringRemindersDueAsync(Guid unitId)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT set_config('m3.system', 'on', false)"));
        var update = new NpgsqlBatchCommand("UPDATE reminders SET due_at = now() WHERE grain_type = 'unit' AND grain_key = $1");
        update.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = unitId });
        batch.BatchCommands.Add(update);
        await batch.ExecuteNonQueryAsync();
        return update.RecordsAffected;
    }

    /// <summary>The due times of a unit's pending reminders.</summary>
    protected async Task<DateTime[]> ReminderDueTimesAsync(Guid unitId)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT set_config('m3.system', 'on', false)"));
        var select = new NpgsqlBatchCommand("SELECT due_at FROM reminders WHERE grain_type = 'unit' AND grain_key = $1 ORDER BY due_at");
        select.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = unitId });
        batch.BatchCommands.Add(select);
        await using var reader = await batch.ExecuteReaderAsync();
        await reader.NextResultAsync();
        var due = new List<DateTime>();
        while (await reader.ReadAsync())
        {
            due.Add(reader.GetDateTime(0));
        }

        return [.. due];
    }

    /// <summary>Adds a due reminder of the given name to a unit, as one left over from an earlier hold would be.</summary>
    protected async Task AddDueReminderAsync(Guid tenantId, Guid unitId, string name)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT set_config('m3.system', 'on', false)"));
        var insert = new NpgsqlBatchCommand("INSERT INTO reminders (tenant_id, grain_type, grain_key, name, due_at) VALUES ($1, 'unit', $2, $3, now())");
        insert.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = tenantId });
        insert.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = unitId });
        insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
        batch.BatchCommands.Add(insert);
        await batch.ExecuteNonQueryAsync();
    }

    /// <summary>Configuration a test class sets on its ApiHost.</summary>
    protected virtual IReadOnlyDictionary<string, string>? Settings => null;

    private void Start()
    {
        Api = new ApiFactory(ConnectionString, Settings);
        Http = Api.CreateClient();
    }
}

/// <summary>Creates the catalog entries, projects and units that inventory tests work on.</summary>
public static class InventorySeed
{
    public static async Task<Guid> ProjectAsync(this TenantSession tenant, string code = "MARINA", object? boundary = null, object? location = null) =>
        (await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/projects", new { name = "Project " + code, code, address = "1 Harbour Road", boundary, location }, HttpStatusCode.Created))
        .GetProperty("id").GetGuid();

    public static Task<JsonElement> UnitTypeAsync(this TenantSession tenant, string code = "2BR-A", string category = "apartment") =>
        tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/unit-types", new { code, name = "Type " + code, category }, HttpStatusCode.Created);

    public static Task<JsonElement> ComponentTypeAsync(this TenantSession tenant, string code = "PARKING", string category = "parking") =>
        tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/component-types", new { code, name = "Component " + code, category }, HttpStatusCode.Created);

    public static object UnitBody(Guid projectId, string code, decimal price = 250_000m, int bedrooms = 2, decimal areaSqm = 85.5m, int? floor = 1, object? geometry = null, string typeCode = "2BR-A", object[]? components = null) => new
    {
        projectId,
        code,
        typeCode,
        building = "A",
        floor,
        dimensions = new { areaSqm, bedrooms, bathrooms = 2, rooms = new[] { new { name = "Living", areaSqm = 30.25m }, new { name = "Bedroom 1", areaSqm = 14m } } },
        components = components ?? [],
        listPrice = new { amount = price, currency = "USD" },
        orientation = "SE",
        geometry,
    };

    public static async Task<Guid> UnitAsync(this TenantSession tenant, Guid projectId, string code, decimal price = 250_000m, int bedrooms = 2, decimal areaSqm = 85.5m, int? floor = 1, object? geometry = null, string typeCode = "2BR-A") =>
        (await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/units", UnitBody(projectId, code, price, bedrooms, areaSqm, floor, geometry, typeCode), HttpStatusCode.Created))
        .GetProperty("id").GetGuid();

    public static object Point(double lng, double lat) => new { type = "Point", coordinates = new[] { lng, lat } };

    public static object Square(double lng, double lat, double size) => new
    {
        type = "Polygon",
        coordinates = new[] { new[] { new[] { lng, lat }, new[] { lng + size, lat }, new[] { lng + size, lat + size }, new[] { lng, lat + size }, new[] { lng, lat } } },
    };
}
