using M3CoreCRM.ApiHost.Conventions;

namespace M3CoreCRM.ApiHost.Leads;

/// <summary>The filters of the lead list, shared by <c>GET /leads</c> and <c>GET /leads/export.csv</c> (bound from the query).</summary>
public sealed record LeadFilter(string? Q, string? Status, string? Source, Guid? OwnerId, Guid? GroupId, string? Tag, DateTime? CreatedFrom, DateTime? CreatedTo)
{
    /// <summary>Adds the filters that were given, over the leads aliased <c>l</c>.</summary>
    public SqlConditions Apply(SqlConditions where) => where
        .WhereIf(Status, p => $"l.status = {p}")
        .WhereIf(Source, p => $"l.source = {p}")
        .WhereIf(OwnerId, p => $"l.owner_id = {p}")
        .WhereIf(GroupId, p => $"l.group_id = {p}")
        .WhereIf(Tag?.Trim().ToLowerInvariant(), p => $"l.tags ? {p}")
        .WhereIf(CreatedFrom?.ToUniversalTime(), p => $"l.created_at >= {p}")
        .WhereIf(CreatedTo?.ToUniversalTime(), p => $"l.created_at < {p}")
        .WhereIf(LeadValidation.SearchTerm(Q), p => $"l.search LIKE '%' || {p} || '%'");
}
