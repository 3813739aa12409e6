using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace M3CoreCRM.ApiHost.OpenApi;

/// <summary>
/// The OpenAPI document, whose description carries the conventions of section 1 of the contract. What a client
/// must send and may get back (bearer token, <c>X-Tenant-Id</c>, <c>Idempotency-Key</c>, <c>If-Match</c>, the
/// problem+json answers) is added centrally from each endpoint's metadata (<see cref="ApiDocument"/>,
/// <see cref="OperationConventions"/>), so a new route is described like the others the day it is mapped.
/// </summary>
public static partial class OpenApiSetup
{
    public static IServiceCollection AddApiOpenApi(this IServiceCollection services) =>
        services.AddOpenApi("v1", options =>
        {
            options.AddDocumentTransformer((document, _, _) =>
            {
                ApiDocument.Describe(document);
                return Task.CompletedTask;
            });
            options.AddOperationTransformer((operation, context, _) =>
            {
                OperationConventions.Apply(operation, context);
                return Task.CompletedTask;
            });
            options.AddSchemaTransformer((schema, context, _) =>
            {
                RequestSchemas.LeaveNullablesOptional(schema, context);
                return Task.CompletedTask;
            });
        });

    /// <summary>Says where the API reference is once the server listens, so `dotnet run` tells a newcomer where to look.</summary>
    public static void LogDocsAddress(this WebApplication app) =>
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            foreach (var address in addresses)
            {
                var local = address.Replace("0.0.0.0", "localhost", StringComparison.Ordinal).Replace("[::]", "localhost", StringComparison.Ordinal);
                LogDocs(app.Logger, local);
            }
        });

    [LoggerMessage(Level = LogLevel.Information, Message = "API reference: {Address}/docs")]
    private static partial void LogDocs(ILogger logger, string address);
}
