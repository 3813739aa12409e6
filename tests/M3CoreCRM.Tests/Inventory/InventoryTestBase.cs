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
    protected Task<int> BringRemindersDueAsync(Guid unitId) =>
        ExecuteAsSystemAsync(ReminderRows.BringDue("unit"), unitId);

    /// <summary>The due times of a unit's pending reminders.</summary>
    protected async Task<DateTime[]> ReminderDueTimesAsync(Guid unitId) =>
        [.. await QueryAsSystemAsync(ReminderRows.DueTimes("unit"), reader => reader.GetDateTime(0), unitId)];

    /// <summary>Adds a due reminder of the given name to a unit, as one left over from an earlier hold would be.</summary>
    protected Task AddDueReminderAsync(Guid tenantId, Guid unitId, string name) =>
        ExecuteAsSystemAsync(ReminderRows.Insert, ReminderRows.InsertParameters("unit", tenantId, unitId, name, TimeSpan.FromSeconds(1)));

    /// <summary>A statement straight against the database, across tenants (as the runtime's own jobs run); returns the rows it changed.</summary>
    protected async Task<int> ExecuteAsSystemAsync(string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var batch = SystemBatch(connection, sql, parameters);
        await batch.ExecuteNonQueryAsync();
        return batch.BatchCommands[^1].RecordsAffected;
    }

    /// <summary>A query straight against the database, across tenants; one value per row.</summary>
    protected async Task<List<T>> QueryAsSystemAsync<T>(string sql, Func<NpgsqlDataReader, T> row, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var batch = SystemBatch(connection, sql, parameters);
        await using var reader = await batch.ExecuteReaderAsync();
        await reader.NextResultAsync();
        var rows = new List<T>();
        while (await reader.ReadAsync())
        {
            rows.Add(row(reader));
        }

        return rows;
    }

    private static NpgsqlBatch SystemBatch(NpgsqlConnection connection, string sql, object[] parameters)
    {
        var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT set_config('m3.system', 'on', false)"));
        var statement = new NpgsqlBatchCommand(sql);
        foreach (var parameter in parameters)
        {
            statement.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        batch.BatchCommands.Add(statement);
        return batch;
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

    /// <summary>A deal of the tenant, in its first pipeline, for units to be held, reserved and sold for.</summary>
    public static async Task<Guid> DealIdAsync(this TenantSession tenant, string? token = null)
    {
        var pipelineId = (await tenant.GetJsonAsync("/api/v1/pipelines", token)).GetProperty("items")[0].GetProperty("id").GetGuid();
        return (await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/deals", new { title = "Unit deal", pipelineId, value = new { amount = 250_000m, currency = "USD" } }, HttpStatusCode.Created, token))
            .GetProperty("id").GetGuid();
    }

    /// <summary>Many deals at once, eight requests at a time.</summary>
    public static async Task<Guid[]> DealIdsAsync(this TenantSession tenant, int count)
    {
        var deals = new Guid[count];
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) => deals[i] = await tenant.DealIdAsync());
        return deals;
    }

    public static object Point(double lng, double lat) => new { type = "Point", coordinates = new[] { lng, lat } };

    public static object Square(double lng, double lat, double size) => new
    {
        type = "Polygon",
        coordinates = new[] { new[] { new[] { lng, lat }, new[] { lng + size, lat }, new[] { lng + size, lat + size }, new[] { lng, lat + size }, new[] { lng, lat } } },
    };
}
