using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using M3CoreCRM.Runtime.Activations;
using M3CoreCRM.Runtime.Persistence;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace M3CoreCRM.Runtime.Cluster;

/// <summary>
/// The silo's internal endpoint for grain calls from other processes; only callers with the cluster
/// secret get in. A call for a tenant this silo does not own is forwarded once to the owner; if that
/// does not settle it, the caller hears "not owner" and retries with a fresh view.
/// </summary>
public static class GrainCallEndpoint
{
    private const string ForwardedHeader = "X-Grain-Call-Forwarded";

    public static IEndpointRouteBuilder MapGrainCallEndpoint(this IEndpointRouteBuilder endpoints, string clusterSecret)
    {
        var expected = Encoding.UTF8.GetBytes(clusterSecret);
        var forwarder = new HttpClient { Timeout = TimeSpan.FromSeconds(35) };
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

            var response = await context.RequestServices.GetRequiredService<GrainCallHandler>().HandleAsync(request);
            if (response.Failure is { Kind: "not_owner" } && !context.Request.Headers.ContainsKey(ForwardedHeader)
                && await ForwardAsync(context.RequestServices.GetRequiredService<ClusterMembership>(), forwarder, clusterSecret, request) is { } forwarded)
            {
                return Results.Json(forwarded, GrainJson.Options);
            }

            return Results.Json(response, GrainJson.Options);
        }).ExcludeFromDescription();
        return endpoints;
    }

    private static GrainCallResponse MaybeRan(string message) => new(null, new GrainCallFailure("maybe_ran", null, message, null, null, null));

    // The owner by this silo's view; null when that is this silo itself or the owner does not answer (the caller retries).
    private static async Task<GrainCallResponse?> ForwardAsync(ClusterMembership membership, HttpClient http, string secret, GrainCallRequest request)
    {
        var ownerId = Placement.Choose(request.TenantId, membership.Live);
        var owner = membership.Live.FirstOrDefault(s => s.Id == ownerId);
        if (owner is null || owner.Id == membership.SiloId)
        {
            return null;
        }

        try
        {
            using var message = new HttpRequestMessage(HttpMethod.Post, new Uri(new Uri(owner.Address), RemoteGrainRouter.CallPath))
            {
                Content = JsonContent.Create(request, options: GrainJson.Options),
            };
            message.Headers.Add(RemoteGrainRouter.SecretHeader, secret);
            message.Headers.Add(ForwardedHeader, "1");
            using var answer = await http.SendAsync(message);
            return answer.IsSuccessStatusCode
                ? await answer.Content.ReadFromJsonAsync<GrainCallResponse>(GrainJson.Options)
                : MaybeRan($"The owner answered {(int)answer.StatusCode}.");
        }
        catch (HttpRequestException exception) when (exception.HttpRequestError == HttpRequestError.ConnectionError)
        {
            // Never reached the owner: nothing ran, the caller may try again.
            return null;
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            return MaybeRan("The owner did not answer.");
        }
    }
}
