namespace M3CoreCRM.ApiHost.Conventions;

/// <summary>
/// Headers every response carries, errors included: no MIME sniffing, never framed, no referrer sent
/// elsewhere, a Content-Security-Policy for pages this host serves, and <c>Cache-Control: no-store</c>
/// unless a handler chose otherwise (answers carry tokens, personal data or a tenant's records: no cache may keep them).
/// Kestrel's <c>Server</c> header is turned off in <see cref="ApiConventions"/>.
/// </summary>
public static class SecurityHeaders
{
    /// <summary>Only this host's own scripts, styles, images and fonts; no plugins, no framing, forms only back to this host.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; " +
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>The Scalar reference page at <c>/docs</c> configures itself with an inline script and inline styles.</summary>
    public const string DocsContentSecurityPolicy =
        "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; " +
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    public static WebApplication UseSecurityHeaders(this WebApplication app)
    {
        app.Use((context, next) =>
        {
            // Set as the response starts, so that answers written by the exception handler (which clears headers) carry them too.
            context.Response.OnStarting(static state =>
            {
                var context = (HttpContext)state;
                var headers = context.Response.Headers;
                headers.XContentTypeOptions = "nosniff";
                headers.XFrameOptions = "DENY";
                headers["Referrer-Policy"] = "no-referrer";
                headers.ContentSecurityPolicy = context.Request.Path.StartsWithSegments("/docs", StringComparison.OrdinalIgnoreCase)
                    ? DocsContentSecurityPolicy
                    : ContentSecurityPolicy;
                if (string.IsNullOrEmpty(headers.CacheControl))
                {
                    headers.CacheControl = "no-store";
                }

                headers.Remove("Server");
                return Task.CompletedTask;
            }, context);
            return next(context);
        });
        return app;
    }
}
