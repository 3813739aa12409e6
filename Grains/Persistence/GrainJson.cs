using System.Text.Json;
using System.Text.Json.Serialization;

namespace M3CoreCRM.Grains.Persistence;

/// <summary>The one JSON shape of stored state and event payloads: camelCase, lower_snake enums, times in UTC with Z (as responses show them: events and audit changes reach clients as stored).</summary>
public static class GrainJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower), new UtcDateTimeOffsetConverter(), new UtcDateTimeConverter() },
    };
}
