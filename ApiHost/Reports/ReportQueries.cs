using M3CoreCRM.ApiHost.Conventions;
using M3CoreCRM.ApiHost.Identity;
using M3CoreCRM.Grains.Abstractions.Identity;
using M3CoreCRM.Grains.Abstractions.Leads;
using M3CoreCRM.Grains.Abstractions.Tenancy;
using M3CoreCRM.Grains.Persistence;
using Npgsql;

namespace M3CoreCRM.ApiHost.Reports;

/// <summary>
/// The reports, each one SQL aggregate over covering indexes (see migration 0013), within the caller's scope of
/// <c>reports.read</c> on the records' owners: an agent with <c>own</c> counts only their own records.
/// </summary>
public sealed class ReportQueries(NpgsqlDataSource db, IGrainFactory grains)
{
    public static IReadOnlyList<string> Names { get; } = ["pipeline", "funnel", "agents", "inventory", "activity"];

    public async Task<Report> RunAsync(string name, Caller caller, ReportFilters filters, CancellationToken cancellationToken) => name switch
    {
        "pipeline" => await PipelineAsync(caller, filters, cancellationToken),
        "funnel" => await FunnelAsync(caller, filters, cancellationToken),
        "agents" => await AgentsAsync(caller, filters, cancellationToken),
        "inventory" => await InventoryAsync(caller, filters, cancellationToken),
        _ => await ActivityAsync(caller, filters, cancellationToken),
    };

    private async Task<Report> PipelineAsync(Caller caller, ReportFilters f, CancellationToken cancellationToken)
    {
        var (name, rows) = await ReadAsync(caller, command =>
        {
            var deals = new SqlConditions(command);
            var tenant = deals.Param(caller.TenantId);
            Owned(deals, caller, f, "d.owner_id", tenant);
            deals.WhereIf(f.From, p => $"d.created_at >= {p}").WhereIf(f.To, p => $"d.created_at < {p}");
            var pipelines = new SqlConditions(command);
            pipelines.WhereIf(f.PipelineId, p => $"p.id = {p}");
            command.CommandText = $"""
            SELECT p.name, st.name, st.probability, d.currency, count(d.id)::int, coalesce(sum(d.amount), 0)
            FROM pipelines p
            CROSS JOIN LATERAL jsonb_to_recordset(p.state -> 'stages') AS st(id uuid, name text, "order" int, probability int)
            LEFT JOIN deals d ON d.tenant_id = p.tenant_id AND d.pipeline_id = p.id AND d.stage_id = st.id AND d.status = 'open' AND NOT d.deleted AND {deals}
            WHERE p.tenant_id = {tenant} AND {pipelines}
            GROUP BY p.name, p.id, st.name, st."order", st.probability, d.currency
            ORDER BY p.name, p.id, st."order", d.currency NULLS FIRST
            """;
        }, reader =>
        {
            var value = reader.GetDecimal(5);
            var probability = reader.IsDBNull(2) ? 0 : reader.GetInt32(2);
            return new object?[] { reader.GetString(0), reader.GetString(1), probability, reader.GetInt32(4), value, decimal.Round(value * probability / 100m, 2), reader.IsDBNull(3) ? null : reader.GetString(3) };
        }, cancellationToken);

        var currencies = rows.Select(r => r[6]).OfType<string>().Distinct().ToList();
        var single = currencies.Count <= 1;
        return new Report("pipeline", "Pipeline value by stage", name, f,
            [Text("pipeline", "Pipeline"), Text("stage", "Stage"), new("probability", "Probability %", ReportColumnKind.Percent), Count("openDeals", "Open deals"),
             Amount("openValue", "Open value"), Amount("weightedValue", "Weighted value"), Text("currency", "Currency")],
            rows,
            new Dictionary<string, object?>
            {
                ["openDeals"] = rows.Sum(r => (int)r[3]!),
                ["openValue"] = single ? rows.Sum(r => (decimal)r[4]!) : null,
                ["weightedValue"] = single ? rows.Sum(r => (decimal)r[5]!) : null,
                ["currency"] = single ? currencies.FirstOrDefault() : "mixed",
            },
            "stage", "openValue", DateTime.UtcNow);
    }

    private async Task<Report> FunnelAsync(Caller caller, ReportFilters f, CancellationToken cancellationToken)
    {
        var catalog = await grains.GetGrain<ILeadCatalogGrain>(caller.TenantId, caller.TenantId).GetAsync();
        var (name, byStatus) = await ReadAsync(caller, command =>
        {
            var where = new SqlConditions(command);
            var tenant = where.Param(caller.TenantId);
            where.Where($"l.tenant_id = {tenant} AND NOT l.deleted");
            Owned(where, caller, f, "l.owner_id", tenant);
            where.WhereIf(f.From, p => $"l.created_at >= {p}").WhereIf(f.To, p => $"l.created_at < {p}");
            command.CommandText = $"SELECT l.status, count(*)::int, count(l.converted_at)::int FROM leads l WHERE {where} GROUP BY l.status";
        }, reader => (Status: reader.GetString(0), Leads: reader.GetInt32(1), Converted: reader.GetInt32(2)), cancellationToken);
        var counts = byStatus.ToDictionary(c => c.Status, c => (c.Leads, c.Converted));

        var total = counts.Values.Sum(c => c.Leads);
        var converted = counts.Values.Sum(c => c.Converted);
        var rows = new List<object?[]>();

        // The tenant's statuses in their order, then any status a lead still has that the catalog no longer lists.
        foreach (var status in catalog.Statuses.OrderBy(s => s.Order).Select(s => (s.Key, s.Name, Category: s.Category.ToString().ToLowerInvariant()))
                     .Concat(counts.Keys.Where(k => catalog.Status(k) is null).Order(StringComparer.Ordinal).Select(k => (Key: k, Name: k, Category: "unknown"))))
        {
            var (leads, conv) = counts.GetValueOrDefault(status.Key);
            rows.Add([status.Key, status.Name, status.Category, leads, Percent(leads, total), conv]);
        }

        var won = rows.Where(r => (string)r[2]! == "won").Sum(r => (int)r[3]!);
        return new Report("funnel", "Lead funnel", name, f,
            [Text("status", "Status"), Text("name", "Name"), Text("category", "Category"), Count("leads", "Leads"), new("share", "Share %", ReportColumnKind.Percent), Count("converted", "Converted")],
            rows,
            new Dictionary<string, object?> { ["leads"] = total, ["converted"] = converted, ["conversionRate"] = Percent(converted, total), ["won"] = won, ["winRate"] = Percent(won, total) },
            "name", "leads", DateTime.UtcNow);
    }

    private async Task<Report> AgentsAsync(Caller caller, ReportFilters f, CancellationToken cancellationToken)
    {
        var (name, rows) = await ReadAsync(caller, command =>
        {
            var people = new SqlConditions(command);
            var tenant = people.Param(caller.TenantId);
            people.Where($"u.tenant_id = {tenant} AND u.status = 'active'");
            Owned(people, caller, f, "u.id", tenant);
            var calls = new SqlConditions(command).WhereIf(f.From, p => $"a.at >= {p}").WhereIf(f.To, p => $"a.at < {p}");
            var conversions = new SqlConditions(command).WhereIf(f.From, p => $"l.converted_at >= {p}").WhereIf(f.To, p => $"l.converted_at < {p}");
            var won = new SqlConditions(command).WhereIf(f.From, p => $"d.closed_at >= {p}").WhereIf(f.To, p => $"d.closed_at < {p}");
            command.CommandText = $"""
                WITH people AS (SELECT u.id, u.name FROM users u WHERE {people}),
                calls AS (
                    SELECT a.owner_id, count(*)::int AS total,
                        count(*) FILTER (WHERE a.outcome = 'answered')::int AS answered, count(*) FILTER (WHERE a.outcome = 'no_answer')::int AS no_answer,
                        count(*) FILTER (WHERE a.outcome = 'busy')::int AS busy, count(*) FILTER (WHERE a.outcome = 'callback')::int AS callback,
                        count(*) FILTER (WHERE a.outcome = 'interested')::int AS interested, count(*) FILTER (WHERE a.outcome = 'not_interested')::int AS not_interested,
                        count(*) FILTER (WHERE a.outcome = 'wrong_number')::int AS wrong_number
                    FROM activities a WHERE a.tenant_id = {tenant} AND a.type = 'call' AND a.owner_id IN (SELECT id FROM people) AND {calls}
                    GROUP BY a.owner_id),
                conversions AS (
                    SELECT l.owner_id, count(*)::int AS total FROM leads l
                    WHERE l.tenant_id = {tenant} AND l.converted_at IS NOT NULL AND NOT l.deleted AND l.owner_id IN (SELECT id FROM people) AND {conversions}
                    GROUP BY l.owner_id),
                won AS (
                    SELECT d.owner_id, count(*)::int AS total, coalesce(sum(d.amount), 0) AS value FROM deals d
                    WHERE d.tenant_id = {tenant} AND d.status = 'won' AND NOT d.deleted AND d.owner_id IN (SELECT id FROM people) AND {won}
                    GROUP BY d.owner_id)
                SELECT p.id, p.name, coalesce(c.total, 0), coalesce(c.answered, 0), coalesce(c.no_answer, 0), coalesce(c.busy, 0), coalesce(c.callback, 0),
                    coalesce(c.interested, 0), coalesce(c.not_interested, 0), coalesce(c.wrong_number, 0), coalesce(v.total, 0), coalesce(w.total, 0), coalesce(w.value, 0)
                FROM people p
                LEFT JOIN calls c ON c.owner_id = p.id
                LEFT JOIN conversions v ON v.owner_id = p.id
                LEFT JOIN won w ON w.owner_id = p.id
                ORDER BY coalesce(c.total, 0) DESC, coalesce(w.value, 0) DESC, p.name, p.id
                LIMIT 500
                """;
        }, reader => new object?[]
        {
            reader.GetGuid(0), reader.GetString(1), reader.GetInt32(2), reader.GetInt32(3), reader.GetInt32(4), reader.GetInt32(5), reader.GetInt32(6),
            reader.GetInt32(7), reader.GetInt32(8), reader.GetInt32(9), reader.GetInt32(10), reader.GetInt32(11), reader.GetDecimal(12),
        }, cancellationToken);

        return new Report("agents", "Agents: calls, outcomes and conversions", name, f,
            [Text("agentId", "Agent id"), Text("agent", "Agent"), Count("calls", "Calls"), Count("answered", "Answered"), Count("noAnswer", "No answer"), Count("busy", "Busy"),
             Count("callback", "Callback"), Count("interested", "Interested"), Count("notInterested", "Not interested"), Count("wrongNumber", "Wrong number"),
             Count("conversions", "Conversions"), Count("dealsWon", "Deals won"), Amount("wonValue", "Won value")],
            rows,
            new Dictionary<string, object?>
            {
                ["agents"] = rows.Count, ["calls"] = rows.Sum(r => (int)r[2]!), ["conversions"] = rows.Sum(r => (int)r[10]!), ["dealsWon"] = rows.Sum(r => (int)r[11]!),
                ["wonValue"] = rows.Sum(r => (decimal)r[12]!),
            },
            "agent", "calls", DateTime.UtcNow);
    }

    private async Task<Report> InventoryAsync(Caller caller, ReportFilters f, CancellationToken cancellationToken)
    {
        var (name, rows) = await ReadAsync(caller, command =>
        {
            var where = new SqlConditions(command);
            var tenant = where.Param(caller.TenantId);
            where.Where($"u.tenant_id = {tenant}").WhereIf(f.ProjectId, p => $"u.project_id = {p}");
            command.CommandText = $"""
            SELECT pr.name, u.type_code, u.status, u.currency, count(*)::int, coalesce(sum(u.price), 0)
            FROM units u JOIN projects pr ON pr.tenant_id = u.tenant_id AND pr.id = u.project_id
            WHERE {where}
            GROUP BY pr.name, pr.id, u.type_code, u.status, u.currency
            ORDER BY pr.name, pr.id, u.type_code, array_position(ARRAY['available', 'on_hold', 'reserved', 'sold'], u.status), u.currency
            """;
        }, reader => new object?[] { reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(4), reader.GetDecimal(5), reader.GetString(3) }, cancellationToken);

        var totals = new Dictionary<string, object?> { ["units"] = rows.Sum(r => (int)r[3]!) };
        foreach (var status in new[] { "available", "on_hold", "reserved", "sold" })
        {
            totals[status] = rows.Where(r => (string)r[2]! == status).Sum(r => (int)r[3]!);
        }

        return new Report("inventory", "Inventory by project, type and status", name, f,
            [Text("project", "Project"), Text("typeCode", "Type"), Text("status", "Status"), Count("units", "Units"), Amount("value", "List value"), Text("currency", "Currency")],
            rows, totals, "status", "units", DateTime.UtcNow);
    }

    private async Task<Report> ActivityAsync(Caller caller, ReportFilters f, CancellationToken cancellationToken)
    {
        var (name, rows) = await ReadAsync(caller, command =>
        {
            var where = new SqlConditions(command);
            var tenant = where.Param(caller.TenantId);
            where.Where($"a.tenant_id = {tenant} AND a.at >= {where.Param(f.From!.Value)} AND a.at < {where.Param(f.To!.Value)}");
            Owned(where, caller, f, "a.owner_id", tenant);

            // Days as the tenant's people live them: in the tenant's time zone.
            command.CommandText = $"""
            SELECT (a.at AT TIME ZONE coalesce((SELECT t.state -> 'settings' ->> 'timezone' FROM tenants t WHERE t.tenant_id = {tenant} AND t.id = {tenant}), 'UTC'))::date, a.type, count(*)::int
            FROM activities a WHERE {where}
            GROUP BY 1, 2 ORDER BY 1, 2
            """;
        }, reader => new object?[] { DateOnly.FromDateTime(reader.GetDateTime(0)), reader.GetString(1), reader.GetInt32(2) }, cancellationToken);

        var totals = new Dictionary<string, object?> { ["activities"] = rows.Sum(r => (int)r[2]!) };
        foreach (var type in rows.Select(r => (string)r[1]!).Distinct().Order(StringComparer.Ordinal))
        {
            totals[type] = rows.Where(r => (string)r[1]! == type).Sum(r => (int)r[2]!);
        }

        return new Report("activity", "Activity per day", name, f,
            [new("day", "Day", ReportColumnKind.Date), Text("type", "Type"), Count("count", "Activities")], rows, totals, "day", "count", DateTime.UtcNow);
    }

    /// <summary>The caller's scope of reports.read over the owner column, and the ownerId and groupId filters.</summary>
    private static void Owned(SqlConditions where, Caller caller, ReportFilters f, string ownerColumn, string tenant)
    {
        where.Where(ScopeFilter.Condition(caller, Permissions.ReportsRead, ownerColumn, where.Command));
        where.WhereIf(f.OwnerId, p => $"{ownerColumn} = {p}");
        where.WhereIf(f.GroupId, p => $"""
            {ownerColumn} IN (SELECT member.id::uuid FROM groups g, jsonb_array_elements_text(g.state -> 'memberIds') AS member(id)
                              WHERE g.tenant_id = {tenant} AND g.id = {p} AND NOT g.deleted)
            """);
    }

    /// <summary>One round trip: the tenant's name (for the report's heading), then the rows of the query that <paramref name="build"/> writes.</summary>
    private async Task<(string TenantName, List<T> Rows)> ReadAsync<T>(Caller caller, Action<NpgsqlBatchCommand> build, Func<NpgsqlDataReader, T> row, CancellationToken cancellationToken)
    {
        await using var batch = db.ForTenant(caller.TenantId);
        batch.Add("SELECT name FROM tenants WHERE tenant_id = $1 AND id = $1").With(caller.TenantId);
        build(batch.Add(""));
        await using var reader = await batch.ReadAsync(cancellationToken);
        var name = await reader.ReadAsync(cancellationToken) ? reader.GetString(0) : "";
        await reader.NextResultAsync(cancellationToken);
        var rows = new List<T>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(row(reader));
        }

        return (name, rows);
    }

    private static decimal Percent(int part, int whole) => whole == 0 ? 0 : decimal.Round(part * 100m / whole, 1);

    private static ReportColumn Text(string key, string title) => new(key, title, ReportColumnKind.Text);

    private static ReportColumn Count(string key, string title) => new(key, title, ReportColumnKind.Count);

    private static ReportColumn Amount(string key, string title) => new(key, title, ReportColumnKind.Amount);
}
