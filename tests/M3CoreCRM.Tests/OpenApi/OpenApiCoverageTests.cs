using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using M3CoreCRM.ApiHost.Identity;
using M3CoreCRM.ApiHost.OpenApi;
using M3CoreCRM.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace M3CoreCRM.Tests.OpenApi;

/// <summary>
/// The routes of the running app against the document it serves: every tenant-scoped route (found from the app's
/// endpoints, not from the document) is described with the bearer scheme and <c>X-Tenant-Id</c>, so a new route
/// cannot forget them; and only the routes the contract leaves open are described without a token.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed partial class OpenApiCoverageTests(PostgresFixture postgres)
{
    private static readonly HashSet<string> Public = ["SignUp", "Login", "RefreshToken", "AcceptInvitation", "CompleteSecondFactor", "InfobipWebhook", "StripeWebhook", "VoipWebhook"];

    [Fact]
    public async Task EveryTenantScopedRouteDeclaresTheTenantHeaderAndTheBearerScheme()
    {
        await using var api = new ApiFactory(await postgres.Server.CreateDatabaseAsync("openapi"));
        using var client = api.CreateClient();
        var document = await client.GetFromJsonAsync<JsonElement>(new Uri("/openapi/v1.json", UriKind.Relative));
        var paths = document.GetProperty("paths");
        var endpoints = api.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();

        var checkedOperations = 0;
        var failures = new List<string>();
        foreach (var endpoint in endpoints.Where(endpoint => endpoint.Metadata.GetMetadata<TenantScopedEndpoint>() is not null))
        {
            var path = DocumentPath(endpoint.RoutePattern.RawText!);
            foreach (var method in endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [])
            {
                var where = $"{method} {path}";
                if (!paths.TryGetProperty(path, out var item) || !item.TryGetProperty(method.ToLowerInvariant(), out var operation))
                {
                    failures.Add($"{where}: a tenant-scoped route that the document does not describe");
                    continue;
                }

                checkedOperations++;
                var tenantHeader = Parameters(document, operation).FirstOrDefault(parameter =>
                    parameter.GetProperty("in").GetString() == "header" && parameter.GetProperty("name").GetString() == "X-Tenant-Id");
                if (tenantHeader.ValueKind != JsonValueKind.Object)
                {
                    failures.Add($"{where}: no X-Tenant-Id header parameter");
                }
                else if (endpoint.Metadata.GetMetadata<AcceptsStreamTicket>() is null
                    && !(tenantHeader.TryGetProperty("required", out var required) && required.GetBoolean()))
                {
                    failures.Add($"{where}: X-Tenant-Id is not required");
                }

                if (!operation.TryGetProperty("security", out var security)
                    || !security.EnumerateArray().Any(requirement => requirement.TryGetProperty(ApiDocument.Bearer, out _)))
                {
                    failures.Add($"{where}: no bearer security requirement");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures));
        Assert.True(checkedOperations >= 100, $"Only {checkedOperations} tenant-scoped operations were found among the app's endpoints.");

        var scheme = document.GetProperty("components").GetProperty("securitySchemes").GetProperty(ApiDocument.Bearer);
        Assert.Equal("http", scheme.GetProperty("type").GetString());
        Assert.Equal("bearer", scheme.GetProperty("scheme").GetString());

        // Every operation states its security; only the contract's open routes need no token.
        var open = new List<string>();
        foreach (var item in paths.EnumerateObject())
        {
            foreach (var operation in item.Value.EnumerateObject())
            {
                Assert.True(operation.Value.TryGetProperty("security", out var security), $"{operation.Name} {item.Name} states no security");
                if (security.GetArrayLength() == 0)
                {
                    open.Add(operation.Value.GetProperty("operationId").GetString()!);
                }
            }
        }

        Assert.Equal(Public.Order(), open.Order());
    }

    /// <summary>The operation's parameters, with <c>$ref</c>s to <c>#/components/parameters</c> resolved.</summary>
    private static IEnumerable<JsonElement> Parameters(JsonElement document, JsonElement operation)
    {
        if (!operation.TryGetProperty("parameters", out var parameters))
        {
            yield break;
        }

        foreach (var parameter in parameters.EnumerateArray())
        {
            yield return parameter.TryGetProperty("$ref", out var reference)
                ? document.GetProperty("components").GetProperty("parameters").GetProperty(reference.GetString()!.Split('/')[^1])
                : parameter;
        }
    }

    /// <summary><c>/api/v1/leads/{id:guid}</c> as the document writes it: <c>/api/v1/leads/{id}</c>.</summary>
    private static string DocumentPath(string routePattern)
    {
        var path = RouteParameter().Replace(routePattern, "{${name}}");
        return path.Length > 1 ? path.TrimEnd('/') : path;
    }

    [GeneratedRegex(@"\{\*{0,2}(?<name>[A-Za-z0-9_]+)[^}]*\}")]
    private static partial Regex RouteParameter();
}
