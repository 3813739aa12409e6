using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace M3CoreCRM.ApiHost.OpenApi;

/// <summary>The OpenAPI document, whose description carries the conventions of section 1 of the contract.</summary>
public static partial class OpenApiSetup
{
    private const string Description = """
        The M3CoreCRM HTTP API (contract v1). JSON is camelCase UTF-8; enums are lower_snake strings;
        ids are UUIDv7 strings; times are ISO 8601 UTC with `Z`. Errors are RFC 9457 problem+json with
        `type`, `title`, `status`, `detail`, a stable `code` and a `traceId`; validation errors add `errors`.
        Unknown request fields are ignored; a field of the wrong type is a 400 `validation_failed`.
        A PATCH changes the fields it sends; one left out keeps its value, and a required field sent as null is a
        400 `validation_failed` naming it.
        Storage outages answer 503 `unavailable` with `Retry-After` and change nothing.
        """;

    public static IServiceCollection AddApiOpenApi(this IServiceCollection services) =>
        services.AddOpenApi("v1", options => options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "M3CoreCRM API";
            document.Info.Version = "v1";
            document.Info.Description = Description;
            return Task.CompletedTask;
        }));

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
