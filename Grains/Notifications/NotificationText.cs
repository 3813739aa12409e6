using System.Text.Json;
using M3CoreCRM.Grains.Events;

namespace M3CoreCRM.Grains.Notifications;

/// <summary>The title and body of an event's notification, from the names its data carries.</summary>
public static class NotificationText
{
    public static (string Title, string Body) For(StoredEvent e)
    {
        var name = Text(e.Data, "name") ?? Text(e.Data, "title") ?? Text(e.Data, "code");
        var record = name is null ? e.EntityType.Replace('_', ' ') : $"{e.EntityType.Replace('_', ' ')} {name}";
        return e.Type switch
        {
            "unit.status_changed" => ($"Unit {Text(e.Data, "code")}: {Words(Text(e.Data, "transition") ?? "status changed")}",
                $"Unit {Text(e.Data, "code")} is now {Words(Text(e.Data, "status") ?? "changed")}."),
            "lead.assigned" => ($"Lead assigned: {name}", $"The {record} was assigned."),
            "deal.won" => ($"Deal won: {name}", $"The {record} was won."),
            "deal.lost" => ($"Deal lost: {name}", $"The {record} was lost."),
            "approval.requested" => ("Approval requested", $"An approval of {Words(Text(e.Data, "action") ?? "an action")} awaits your decision."),
            "approval.decided" => ($"Approval {Words(Text(e.Data, "status") ?? "decided")}", $"Your request for {Words(Text(e.Data, "action") ?? "an action")} was {Words(Text(e.Data, "status") ?? "decided")}."),
            "task.due" => ($"Task due: {name}", $"The {record} is due."),
            _ => ($"{Capitalised(record)}: {Words(e.Type[(e.Type.IndexOf('.', StringComparison.Ordinal) + 1)..])}", $"{e.Type} on {record}."),
        };
    }

    private static string? Text(JsonElement data, string property) =>
        data.ValueKind == JsonValueKind.Object && data.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string Words(string snake) => snake.Replace('_', ' ');

    private static string Capitalised(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}
