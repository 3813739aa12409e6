using System.Text.Json;
using M3CoreCRM.Grains.Abstractions.Events;

namespace M3CoreCRM.Grains.Abstractions.Identity;

/// <summary>
/// Someone an event may reach (a stream subscriber, a notification recipient): their grants and, for
/// <c>group</c>-scoped grants, the members of their groups (themselves included).
/// </summary>
[GenerateSerializer, Immutable, Alias("crm.EventViewer")]
public sealed record EventViewer([property: Id(0)] Guid UserId, [property: Id(1)] IReadOnlyDictionary<string, PermissionScope> Grants, [property: Id(2)] IReadOnlySet<Guid> GroupPeers);

/// <summary>
/// Which events a viewer may receive (on the stream, or as a notification): those about records they may read, by the same permission and
/// scope rules as the record's own routes. Records with an owner (leads, deals, contacts, companies,
/// activities, tasks, calls) name it in their events' data as <c>ownerId</c> and, where they have one,
/// <c>assigneeId</c>; either grants an <c>own</c>- or <c>group</c>-scoped reader. An event about a kind
/// of record not listed here is sent to no one: new kinds are opt-in.
/// </summary>
public static class EventVisibility
{
    private static readonly Dictionary<string, (string Permission, bool Scoped)> ByEntityType = new(StringComparer.Ordinal)
    {
        ["unit"] = (Permissions.InventoryRead, false),
        ["project"] = (Permissions.InventoryRead, false),
        ["type_code"] = (Permissions.InventoryRead, false),
        ["lead"] = (Permissions.LeadsRead, true),
        ["deal"] = (Permissions.DealsRead, true),
        ["contact"] = (Permissions.ContactsRead, true),
        ["company"] = (Permissions.CompaniesRead, true),
        ["activity"] = (Permissions.ActivitiesRead, true),
        ["call"] = (Permissions.ActivitiesRead, true),
        ["task"] = (Permissions.TasksRead, true),
        ["group"] = (Permissions.UsersManage, false),
        ["role"] = (Permissions.RolesManage, false),
        ["tenant"] = (Permissions.SettingsManage, false),
    };

    public static bool CanSee(this EventViewer viewer, StoredEvent e)
    {
        switch (e.EntityType)
        {
            case "notification":
                return IdIn(e.Data, "recipientId") == viewer.UserId;
            case "user":
                return e.EntityId == viewer.UserId || viewer.Grants.ContainsKey(Permissions.UsersManage);
            case "approval":
                return viewer.Grants.ContainsKey(Permissions.ApprovalsManage)
                    || IdIn(e.Data, "requesterId") == viewer.UserId
                    || IdsIn(e.Data, "approverIds").Contains(viewer.UserId);
        }

        if (!ByEntityType.TryGetValue(e.EntityType, out var rule) || !viewer.Grants.TryGetValue(rule.Permission, out var scope))
        {
            return false;
        }

        if (!rule.Scoped || scope == PermissionScope.All)
        {
            return true;
        }

        foreach (var person in new[] { IdIn(e.Data, "ownerId"), IdIn(e.Data, "assigneeId") })
        {
            if (person is { } id && (id == viewer.UserId || (scope == PermissionScope.Group && viewer.GroupPeers.Contains(id))))
            {
                return true;
            }
        }

        return false;
    }

    private static Guid? IdIn(JsonElement data, string property) =>
        data.ValueKind == JsonValueKind.Object && data.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String && value.TryGetGuid(out var id)
            ? id
            : null;

    private static IEnumerable<Guid> IdsIn(JsonElement data, string property)
    {
        if (data.ValueKind != JsonValueKind.Object || !data.TryGetProperty(property, out var values) || values.ValueKind != JsonValueKind.Array)
        {
            yield break;
        }

        foreach (var value in values.EnumerateArray())
        {
            if (value.ValueKind == JsonValueKind.String && value.TryGetGuid(out var id))
            {
                yield return id;
            }
        }
    }
}
