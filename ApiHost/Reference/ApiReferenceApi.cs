namespace M3CoreCRM.ApiHost.Reference;

/// <summary>
/// <c>/docs</c>: the Scalar API reference for <c>/openapi/v1.json</c>, served from the bundle the
/// build installs from the npm registry, so the page needs nothing from the internet.
/// </summary>
public static class ApiReferenceApi
{
    private const string BundlePath = "/docs/scalar-standalone.js";

    private static readonly string Page = $$"""
        <!doctype html>
        <html lang="en">
          <head>
            <title>M3CoreCRM API reference</title>
            <meta charset="utf-8" />
            <meta name="viewport" content="width=device-width, initial-scale=1" />
          </head>
          <body>
            <div id="app"></div>
            <script src="{{BundlePath}}"></script>
            <script>
              Scalar.createApiReference('#app', {
                url: '/openapi/v1.json',
                withDefaultFonts: false,
                hideClientButton: false,
                telemetry: false,
              })
            </script>
          </body>
        </html>
        """;

    public static IEndpointRouteBuilder MapApiReference(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/docs").WithTags("Reference").ExcludeFromDescription();
        group.MapGet("", GetPage);
        group.MapGet("/scalar-standalone.js", GetBundle);
        return endpoints;
    }

    private static ContentHttpResult GetPage() => TypedResults.Content(Page, "text/html; charset=utf-8");

    private static IResult GetBundle()
    {
        var file = Path.Combine(AppContext.BaseDirectory, "wwwroot", "docs", "scalar-standalone.js");
        return File.Exists(file)
            ? TypedResults.PhysicalFile(file, "text/javascript; charset=utf-8", enableRangeProcessing: true)
            : TypedResults.NotFound();
    }
}
