using M3CoreCRM.ApiHost.Errors;
using M3CoreCRM.Grains.Abstractions.Errors;
using Microsoft.AspNetCore.Routing;

namespace M3CoreCRM.ApiHost.Conventions;

/// <summary>
/// Around every endpoint, as one async frame (each frame every request passes is work on every request):
/// <list type="bullet">
/// <item>the scope its list cursors are bound to: its route pattern and its <c>sort</c> as sent (<see cref="CursorScope"/>);</item>
/// <item>its domain refusals (409 unit_unavailable, 404, 400 ...), answered right there instead of unwinding through every
/// middleware to the exception handler: each rethrow through an async frame costs a stack capture. Inside the idempotency
/// middleware, so that a refusal is what a repeated key gets; a middleware rather than an endpoint filter, which
/// would put every request of its endpoints on the slower, boxed invocation path. The body is the problem+json that
/// <see cref="ApiExceptionHandler"/> writes.</item>
/// </list>
/// </summary>
internal sealed class EndpointScope(RequestDelegate next, CursorSigner signer, IProblemDetailsService problems)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint() is RouteEndpoint endpoint)
        {
            var sort = context.Request.QueryString.HasValue ? context.Request.Query["sort"].ToString().Trim() : "";
            CursorScope.Set(new CursorScope(signer, endpoint.RoutePattern.RawText ?? "", sort));
        }

        try
        {
            await next(context);
        }
        catch (DomainException exception) when (!context.Response.HasStarted)
        {
            await ApiExceptionHandler.WriteDomainProblemAsync(context, problems, exception);
        }
    }
}

public static class EndpointScopeSetup
{
    /// <summary>Runs <see cref="EndpointScope"/> right before each endpoint.</summary>
    public static WebApplication UseEndpointScope(this WebApplication app)
    {
        app.UseMiddleware<EndpointScope>();
        return app;
    }
}
