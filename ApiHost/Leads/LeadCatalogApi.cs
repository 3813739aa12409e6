using System.Text.RegularExpressions;
using M3CoreCRM.ApiHost.Conventions;
using M3CoreCRM.ApiHost.Identity;
using M3CoreCRM.Grains.Abstractions.Identity;
using M3CoreCRM.Grains.Abstractions.Leads;
using M3CoreCRM.Grains.Abstractions.Tenancy;

namespace M3CoreCRM.ApiHost.Leads;

public sealed record SaveLeadStatusRequest(string? Key, string? Name, StatusCategory? Category, int? Order);

public sealed record SaveLeadSourceRequest(string? Key, string? Name);

/// <summary>The tenant's lead statuses (each open, won or lost) and lead sources.</summary>
public static partial class LeadCatalogApi
{
    public static IEndpointRouteBuilder MapLeadCatalogApi(this IEndpointRouteBuilder endpoints)
    {
        var statuses = endpoints.MapTenantGroup("/api/v1/lead-statuses", "Leads");
        statuses.MapGet("", ListStatusesAsync).WithName("ListLeadStatuses").WithSummary("List lead statuses").RequirePermission(Permissions.LeadsRead);
        statuses.MapPost("", AddStatusAsync).WithName("CreateLeadStatus").WithSummary("Add a lead status").RequirePermission(Permissions.SettingsManage);
        var sources = endpoints.MapTenantGroup("/api/v1/lead-sources", "Leads");
        sources.MapGet("", ListSourcesAsync).WithName("ListLeadSources").WithSummary("List lead sources").RequirePermission(Permissions.LeadsRead);
        sources.MapPost("", AddSourceAsync).WithName("CreateLeadSource").WithSummary("Add a lead source").RequirePermission(Permissions.SettingsManage);
        return endpoints;
    }

    private static async Task<Ok<Page<LeadStatus>>> ListStatusesAsync(Caller caller, IGrainFactory grains) =>
        TypedResults.Ok(new Page<LeadStatus>((await Catalog(grains, caller).GetAsync()).Statuses, null));

    private static async Task<Ok<Page<LeadSource>>> ListSourcesAsync(Caller caller, IGrainFactory grains) =>
        TypedResults.Ok(new Page<LeadSource>((await Catalog(grains, caller).GetAsync()).Sources, null));

    private static async Task<Created<LeadStatus>> AddStatusAsync(SaveLeadStatusRequest request, Caller caller, IGrainFactory grains)
    {
        new Validation()
            .Check(request.Key is not null && Key().IsMatch(request.Key), "key", "Lower-case letters, digits and underscores, 1 to 40, starting with a letter.")
            .Required("name", request.Name, 100)
            .Check(request.Category is not null, "category", "open, won or lost.")
            .Check(request.Order is null or (>= 0 and <= 10_000), "order", "0 to 10000.")
            .ThrowIfInvalid();
        var status = new LeadStatus(request.Key!, request.Name!.Trim(), request.Category!.Value, request.Order ?? 50);
        await Catalog(grains, caller).AddStatusAsync(status);
        return TypedResults.Created("/api/v1/lead-statuses", status);
    }

    private static async Task<Created<LeadSource>> AddSourceAsync(SaveLeadSourceRequest request, Caller caller, IGrainFactory grains)
    {
        new Validation()
            .Check(request.Key is not null && Key().IsMatch(request.Key), "key", "Lower-case letters, digits and underscores, 1 to 40, starting with a letter.")
            .Required("name", request.Name, 100)
            .ThrowIfInvalid();
        var source = new LeadSource(request.Key!, request.Name!.Trim());
        await Catalog(grains, caller).AddSourceAsync(source);
        return TypedResults.Created("/api/v1/lead-sources", source);
    }

    private static ILeadCatalogGrain Catalog(IGrainFactory grains, Caller caller) => grains.GetGrain<ILeadCatalogGrain>(caller.TenantId, caller.TenantId);

    [GeneratedRegex("^[a-z][a-z0-9_]{0,39}$")]
    private static partial Regex Key();
}
