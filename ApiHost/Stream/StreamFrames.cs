using System.Buffers;
using System.Text;
using System.Text.Json;
using M3CoreCRM.Grains.Abstractions.Events;
using M3CoreCRM.Grains.Events;

namespace M3CoreCRM.ApiHost.Stream;

/// <summary>An event rendered once as its server-sent-events frame, shared by every subscriber it goes to.</summary>
public sealed record StreamFrame(StoredEvent Event, ReadOnlyMemory<byte> Bytes)
{
    public long Sequence => Event.Sequence;

    /// <summary>
    /// <c>id:</c> the tenant's sequence, <c>event:</c> the type, <c>data:</c> one line of JSON with the
    /// sequence, type, record, time and actor around the event's own data.
    /// </summary>
    public static StreamFrame Render(StoredEvent e)
    {
        var buffer = new ArrayBufferWriter<byte>(256 + e.Data.GetRawText().Length);
        buffer.Write(Encoding.UTF8.GetBytes($"id: {e.Sequence}\nevent: {e.Type}\ndata: "));
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("sequence", e.Sequence);
            json.WriteString("type", e.Type);
            json.WriteString("entityType", e.EntityType);
            json.WriteString("entityId", e.EntityId);
            json.WriteString("occurredAt", e.OccurredAt.UtcDateTime);
            if (e.ActorId is { } actor)
            {
                json.WriteString("actorId", actor);
            }

            json.WritePropertyName("data");
            e.Data.WriteTo(json);
            json.WriteEndObject();
        }

        buffer.Write("\n\n"u8);
        return new StreamFrame(e, buffer.WrittenMemory);
    }
}
