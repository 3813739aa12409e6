using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Routing;

namespace M3CoreCRM.ApiHost.Conventions;

/// <summary>Section 1 of the contract that applies to every endpoint: JSON shape and request limits.</summary>
public static class ApiConventions
{
    /// <summary>Request bodies over this size are a 413 <c>payload_too_large</c>; CSV import raises it per endpoint.</summary>
    public const long MaxRequestBodyBytes = 1024 * 1024;

    public static WebApplicationBuilder AddApiConventions(this WebApplicationBuilder builder)
    {
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = MaxRequestBodyBytes;
            // No Server header: what the host runs on is nobody's business.
            kestrel.AddServerHeader = false;
        });
        builder.Services.ConfigureHttpJsonOptions(options =>
        {
            options.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
            // Enums are lower_snake words only: a number where a word belongs is a wrong type (400), never stored.
            options.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false));
            // Times in UTC with Z, whatever their type or kind (section 1 of the contract).
            options.SerializerOptions.Converters.Add(new Grains.Persistence.UtcDateTimeOffsetConverter());
            options.SerializerOptions.Converters.Add(new Grains.Persistence.UtcDateTimeConverter());
        });

        // Binding failures (bad JSON, wrong types) go to the exception handler, which answers problem+json.
        builder.Services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        return builder;
    }
}
