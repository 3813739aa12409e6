using System.Text.Json;
using System.Text.Json.Serialization;

namespace M3CoreCRM.Grains.Persistence;

/// <summary>The one JSON shape of stored state and event payloads: camelCase, lower_snake enums.</summary>
public static class GrainJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };
}
