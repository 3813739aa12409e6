using Scalar.AspNetCore;

namespace M3CoreCRM.ApiHost.Reference;

/// <summary>
/// <c>/docs</c>: the Scalar API reference for <c>/openapi/v1.json</c>. The page and its script come from
/// the Scalar.AspNetCore package, served by this host, so the page needs nothing from the internet.
/// </summary>
public static class ApiReferenceApi
{
    public static IEndpointRouteBuilder MapApiReference(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapScalarApiReference("/docs", options => options
                .WithTitle("M3CoreCRM API reference")
                .WithOpenApiRoutePattern("/openapi/{documentName}.json")
                .AddDocument("v1")
                // Its default fonts and telemetry would reach Scalar's servers; private networks have none.
                .DisableDefaultFonts()
                .DisableTelemetry())
            .WithTags("Reference")
            .ExcludeFromDescription();
        return endpoints;
    }
}
