using System.Text.Json;
using System.Text.Json.Serialization;

namespace M3CoreCRM.Grains.Persistence;

/// <summary>
/// Times are written one way everywhere, as the contract says: ISO 8601 in UTC with <c>Z</c>. System.Text.Json
/// writes a <see cref="DateTimeOffset"/> with its offset (<c>+00:00</c>) and a <see cref="DateTime"/> by its
/// kind (nothing for Unspecified, the machine's offset for Local); these write the UTC instant instead. Reading
/// is System.Text.Json's own, so every ISO 8601 form is still accepted.
/// </summary>
public sealed class UtcDateTimeOffsetConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.GetDateTimeOffset();

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) => writer.WriteStringValue(value.UtcDateTime);
}

/// <inheritdoc cref="UtcDateTimeOffsetConverter"/>
/// <remarks>A <see cref="DateTime"/> of Unspecified kind (as PostgreSQL's <c>timestamp</c> reads) is taken to be UTC already.</remarks>
public sealed class UtcDateTimeConverter : JsonConverter<DateTime>
{
    public override DateTime Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.GetDateTime();

    public override void Write(Utf8JsonWriter writer, DateTime value, JsonSerializerOptions options) => writer.WriteStringValue(value.Kind switch
    {
        DateTimeKind.Utc => value,
        DateTimeKind.Local => value.ToUniversalTime(),
        _ => DateTime.SpecifyKind(value, DateTimeKind.Utc),
    });
}
