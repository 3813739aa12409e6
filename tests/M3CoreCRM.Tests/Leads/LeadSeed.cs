using System.Net;
using System.Text.Json;
using M3CoreCRM.Tests.Infrastructure;

namespace M3CoreCRM.Tests.Leads;

/// <summary>Creates the leads that CRM tests work on.</summary>
public static class LeadSeed
{
    private static int _counter;

    /// <summary>A lead with a phone and email of its own (unique per call), owned by the caller unless <paramref name="ownerId"/> is given.</summary>
    public static async Task<JsonElement> LeadAsync(this TenantSession tenant, string? name = null, Guid? ownerId = null, string? token = null, string source = "web", string[]? tags = null, string? status = null, Guid? groupId = null)
    {
        var n = Interlocked.Increment(ref _counter);
        return await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/leads", new
        {
            name = name ?? $"Lead {n}",
            phone = $"+9715{n:D8}",
            email = $"lead{n}@{tenant.Slug}.test",
            source,
            status,
            ownerId,
            groupId,
            tags = tags ?? [],
        }, HttpStatusCode.Created, token);
    }

    public static async Task<Guid> LeadIdAsync(this TenantSession tenant, string? name = null, Guid? ownerId = null, string? token = null) =>
        (await tenant.LeadAsync(name, ownerId, token)).GetProperty("id").GetGuid();

    /// <summary>Every lead of a list, following its cursors, <paramref name="limit"/> to a page.</summary>
    public static async Task<List<JsonElement>> AllLeadsAsync(this TenantSession tenant, string query = "", string? token = null, int limit = 200)
    {
        var all = new List<JsonElement>();
        string? cursor = null;
        do
        {
            var page = await tenant.GetJsonAsync($"/api/v1/leads?limit={limit}{query}{(cursor is null ? "" : "&cursor=" + cursor)}", token);
            all.AddRange(page.GetProperty("items").EnumerateArray());
            cursor = page.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null);
        return all;
    }
}
