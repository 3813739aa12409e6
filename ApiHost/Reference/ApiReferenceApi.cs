using M3CoreCRM.ApiHost.OpenApi;
using Scalar.AspNetCore;

namespace M3CoreCRM.ApiHost.Reference;

/// <summary>
/// <c>/docs</c>: the Scalar API reference for <c>/openapi/v1.json</c>. The page and its script come from
/// the Scalar.AspNetCore package, served by this host, so the page needs nothing from the internet.
/// A person tries a call by pasting an access token under Authentication (the document's bearer scheme, chosen
/// by default) and filling in the <c>X-Tenant-Id</c> header the operation declares.
/// </summary>
public static class ApiReferenceApi
{
    public static IEndpointRouteBuilder MapApiReference(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapScalarApiReference("/docs", options => options
                .WithTitle("M3CoreCRM API reference")
                .WithOpenApiRoutePattern("/openapi/{documentName}.json")
                .AddDocument("v1")
                .AddPreferredSecuritySchemes(ApiDocument.Bearer)
                // Its default fonts and telemetry would reach Scalar's servers; private networks have none.
                .DisableDefaultFonts()
                .DisableTelemetry())
            .WithTags("Reference")
            .ExcludeFromDescription();
        return endpoints;
    }
}
