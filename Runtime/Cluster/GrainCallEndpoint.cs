using System.Security.Cryptography;
using System.Text;
using M3CoreCRM.Runtime.Activations;
using M3CoreCRM.Runtime.Persistence;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace M3CoreCRM.Runtime.Cluster;

/// <summary>The silo's internal endpoint for grain calls from other processes; only callers with the cluster secret get in.</summary>
public static class GrainCallEndpoint
{
    public static IEndpointRouteBuilder MapGrainCallEndpoint(this IEndpointRouteBuilder endpoints, string clusterSecret)
    {
        var expected = Encoding.UTF8.GetBytes(clusterSecret);
        endpoints.MapPost(RemoteGrainRouter.CallPath, async (HttpContext context) =>
        {
            var presented = Encoding.UTF8.GetBytes(context.Request.Headers[RemoteGrainRouter.SecretHeader].ToString());
            if (!CryptographicOperations.FixedTimeEquals(presented, expected))
            {
                return Results.StatusCode(StatusCodes.Status401Unauthorized);
            }

            var request = await context.Request.ReadFromJsonAsync<GrainCallRequest>(GrainJson.Options, context.RequestAborted);
            if (request is null)
            {
                return Results.BadRequest();
            }

            var handler = context.RequestServices.GetRequiredService<GrainCallHandler>();
            return Results.Json(await handler.HandleAsync(request), GrainJson.Options);
        }).ExcludeFromDescription();
        return endpoints;
    }
}
