using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;
using Microsoft.Net.Http.Headers;

namespace M3CoreCRM.ApiHost.Web;

/// <summary>
/// The web dashboard (<c>web/</c>), built by <c>dotnet build</c> into <c>webapp/</c> beside this assembly
/// (<c>ApiHost/Web/WebApp.targets</c>) and served from there: its pages (<c>/</c>, <c>/login</c>, <c>/signup</c> and
/// everything under <c>/app</c>) all answer the app's <c>index.html</c>, which the browser revalidates each time
/// (<c>no-cache</c>); the hashed files under <c>/assets/</c> never change under their name and are cached for a
/// year (<c>immutable</c>). Nothing comes from another host, so the security headers' CSP (<c>'self'</c>) holds.
/// </summary>
public static class WebApp
{
    /// <summary>Where the built app is looked for unless <c>WebApp:Root</c> says otherwise.</summary>
    public static string DefaultRoot => Path.Combine(AppContext.BaseDirectory, "webapp");

    public const string ImmutableCacheControl = "public, max-age=31536000, immutable";
    public const string RevalidateCacheControl = "no-cache";

    /// <summary>The client-side routes whose URLs the server answers with the app (deep links, reloads, the back button).</summary>
    private static readonly string[] Pages = ["/", "/login", "/signup", "/app", "/app/{**path}"];

    private static readonly string[] GetOrHead = [HttpMethods.Get, HttpMethods.Head];

    private static readonly FileExtensionContentTypeProvider ContentTypes = new();

    public static WebApplication MapWebApp(this WebApplication app)
    {
        var root = app.Configuration["WebApp:Root"] is { Length: > 0 } configured ? Path.GetFullPath(configured) : DefaultRoot;
        if (!File.Exists(Path.Combine(root, "index.html")))
        {
            app.Logger.LogWarning("No web app in {Root}: / and /app answer 404 (build ApiHost with Node.js and npm to include it)", root);
            return app;
        }

        var files = new PhysicalFileProvider(root);
        var index = files.GetFileInfo("index.html");

        foreach (var page in Pages)
        {
            app.MapMethods(page, GetOrHead, (HttpContext context) => Serve(context, index, RevalidateCacheControl))
                .ExcludeFromDescription();
        }

        // Content-hashed by the build: a changed file gets a new name, so the browser may keep each one for good.
        app.MapMethods("/assets/{**file}", GetOrHead, (HttpContext context, string file) => Serve(context, files.GetFileInfo("assets/" + file), ImmutableCacheControl))
            .ExcludeFromDescription();

        // Files copied as they are from web/public (the icon): same name across builds, so revalidated.
        foreach (var file in files.GetDirectoryContents("").Where(f => !f.IsDirectory && f.Name != "index.html"))
        {
            app.MapMethods("/" + file.Name, GetOrHead, (HttpContext context) => Serve(context, file, RevalidateCacheControl))
                .ExcludeFromDescription();
        }

        return app;
    }

    private static IResult Serve(HttpContext context, IFileInfo file, string cacheControl)
    {
        // PhysicalFileProvider answers "not found" for a path that leaves its root or names a hidden file.
        if (!file.Exists || file.IsDirectory || file.PhysicalPath is null)
        {
            return Results.NotFound();
        }

        context.Response.Headers.CacheControl = cacheControl;
        if (!ContentTypes.TryGetContentType(file.Name, out var contentType))
        {
            contentType = "application/octet-stream";
        }

        if (contentType is "text/html" or "text/css" or "text/javascript" or "image/svg+xml")
        {
            contentType += "; charset=utf-8";
        }

        var lastModified = file.LastModified;
        var etag = new EntityTagHeaderValue($"\"{lastModified.UtcTicks:x}-{file.Length:x}\"");
        return Results.File(file.PhysicalPath, contentType, lastModified: lastModified, entityTag: etag);
    }
}
