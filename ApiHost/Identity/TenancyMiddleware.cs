using M3CoreCRM.ApiHost.Errors;
using M3CoreCRM.Grains.Abstractions.Tenancy;

namespace M3CoreCRM.ApiHost.Identity;

/// <summary>
/// For tenant-scoped endpoints, after authentication: <c>X-Tenant-Id</c> must be present (400
/// <c>tenant_required</c>) and name the token's tenant (403 <c>tenant_mismatch</c>); the user must
/// still be active with the token's security stamp (401); and the endpoint's permission must be
/// granted (403 <c>forbidden</c>, audited). Grain calls of the request carry the caller as actor.
/// </summary>
public sealed class TenancyMiddleware(RequestDelegate next, TenantDirectory tenants, AccessResolver access, AuditWriter audit, IProblemDetailsService problems)
{
    public const string TenantHeader = "X-Tenant-Id";

    public async Task InvokeAsync(HttpContext context)
    {
        var endpoint = context.GetEndpoint();
        if (endpoint?.Metadata.GetMetadata<TenantScopedEndpoint>() is null || context.User.Identity?.IsAuthenticated != true)
        {
            await next(context);
            return;
        }

        // Tokens this API signed carry all four ids.
        var token = TokenClaims.Of(context.User);
        var tokenTenant = token.TenantId!.Value;
        if (!context.Request.Headers.TryGetValue(TenantHeader, out var header) && context.User.HasClaim(c => c.Type == Stream.StreamTicketAuthentication.ViaTicketClaim))
        {
            // A stream ticket names its tenant, and browsers' EventSource cannot send the header.
            header = tokenTenant.ToString();
        }

        if (string.IsNullOrWhiteSpace(header))
        {
            await WriteAsync(context, problems, 400, "tenant_required", $"This route needs the {TenantHeader} header (the tenant's id or slug).");
            return;
        }

        var tenant = await tenants.FindAsync(header.ToString(), context.RequestAborted);
        if (tenant is null || tenant.Id != tokenTenant)
        {
            await WriteAsync(context, problems, 403, "tenant_mismatch", $"The {TenantHeader} header does not name the tenant of the access token.");
            return;
        }

        var (userId, stamp, familyId) = (token.UserId!.Value, token.SecurityStamp!.Value, token.FamilyId!.Value);

        // Disabling a user, a password change, logout and a detected token reuse end access at once, not when the access token expires.
        var user = await access.GetAsync(tenant.Id, userId, familyId, context.RequestAborted);
        if (user is null || !user.Active || user.SecurityStamp != stamp || !user.SessionLive || tenant.Status != "active")
        {
            await WriteAsync(context, problems, 401, "unauthenticated", "The session has ended; log in again.");
            return;
        }

        var clientAddress = context.Connection.RemoteIpAddress?.ToString();
        var caller = new Caller(tenant.Id, userId, familyId, clientAddress, user.Grants, user.GroupIds, user.Peers);
        context.Items[typeof(Caller)] = caller;

        if (endpoint.Metadata.GetMetadata<RequiredPermission>() is { } required && !required.IsMetBy(caller))
        {
            await audit.WriteAsync(tenant.Id, userId, clientAddress, "permission.denied", null, null,
                new { permission = required.Permission, method = context.Request.Method, path = context.Request.Path.Value }, context.RequestAborted);
            await WriteAsync(context, problems, 403, "forbidden", $"This needs the permission '{required.Permission}'.");
            return;
        }

        if (endpoint.Metadata.GetMetadata<ChangesAccess>() is not null && !HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
        {
            // After the handler's change committed and before the client can see the response.
            var tenantId = tenant.Id;
            context.Response.OnStarting(() =>
            {
                access.Invalidate(tenantId);
                return Task.CompletedTask;
            });
        }

        using var requestContext = CallerContext.Begin(tenant.Id, userId, clientAddress);
        await next(context);
    }

    internal static async Task WriteAsync(HttpContext context, IProblemDetailsService problems, int status, string code, string detail)
    {
        context.Response.StatusCode = status;
        await problems.WriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = ProblemDetailsSetup.Create(status, code, detail) });
    }
}
