using System.Text.Json;
using M3CoreCRM.Grains.Events;
using M3CoreCRM.Grains.Persistence;

namespace M3CoreCRM.Grains;

/// <summary>Applies a field's new value and records it for the audit log, only when it differs.</summary>
public static class Change
{
    public static void Track<T>(Dictionary<string, FieldChange> changes, string field, T current, T proposed, Action<T> apply)
    {
        if (!EqualityComparer<T>.Default.Equals(current, proposed))
        {
            changes[field] = new(current, proposed);
            apply(proposed);
        }
    }

    /// <summary>Values without value equality (records holding lists) compare by their stored JSON.</summary>
    public static void TrackShape<T>(Dictionary<string, FieldChange> changes, string field, T current, T proposed, Action<T> apply)
    {
        if (JsonSerializer.Serialize(current, GrainJson.Options) != JsonSerializer.Serialize(proposed, GrainJson.Options))
        {
            changes[field] = new(current, proposed);
            apply(proposed);
        }
    }

    /// <summary>JSON values (GeoJSON) compare by their serialised text: <see cref="JsonElement"/> has no value equality.</summary>
    public static void TrackJson(Dictionary<string, FieldChange> changes, string field, JsonElement? current, JsonElement? proposed, Action<JsonElement?> apply)
    {
        if (current?.GetRawText() != proposed?.GetRawText())
        {
            changes[field] = new(current, proposed);
            apply(proposed);
        }
    }
}
