using M3CoreCRM.ApiHost.Conventions;
using M3CoreCRM.ApiHost.Identity;
using M3CoreCRM.Grains.Abstractions.Identity;
using M3CoreCRM.Grains.Abstractions.Notifications;
using M3CoreCRM.Grains.Abstractions.Tenancy;
using M3CoreCRM.Grains.Persistence;
using Npgsql;

namespace M3CoreCRM.ApiHost.Notifications;

public sealed record NotificationRuleRequest(string? EventType, NotificationChannel[]? Channels, NotificationRecipient[]? Recipients, Guid[]? RoleIds);

public sealed record SaveNotificationRulesRequest(NotificationRuleRequest[]? Rules);

/// <summary>The tenant's notification rules: for each event type, the channels and the recipients.</summary>
public static class NotificationRulesApi
{
    private const int MaxRules = 100;
    private const int MaxRolesPerRule = 20;

    public static RouteGroupBuilder MapNotificationRulesApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapTenantGroup("/api/v1/notification-rules", "Notifications").RequirePermission(Permissions.SettingsManage);
        group.MapGet("", GetAsync).WithName("GetNotificationRules").WithSummary("Get the notification rules")
            .WithDescription("The rules in force. `isDefault` is true while the tenant has saved none (the defaults notify people of what is theirs to act on).");
        group.MapPut("", ReplaceAsync).WithName("ReplaceNotificationRules").WithSummary("Replace the notification rules")
            .WithDescription("Replaces every rule at once. One rule per event type; recipients are owner, assignee, approvers, requester, plus every active member of `roleIds`. Honours If-Match.");
        return group;
    }

    private static async Task<Ok<NotificationRules>> GetAsync(Caller caller, IGrainFactory grains, HttpResponse response)
    {
        var rules = await grains.GetGrain<INotificationRulesGrain>(caller.TenantId, caller.TenantId).GetAsync();
        Versioning.SetETag(response, rules.Version);
        return TypedResults.Ok(rules);
    }

    private static async Task<Ok<NotificationRules>> ReplaceAsync(SaveNotificationRulesRequest request, Caller caller, IGrainFactory grains, NpgsqlDataSource db, HttpContext context, CancellationToken cancellationToken)
    {
        var validation = new Validation();
        var requested = request.Rules ?? [];
        validation.Check(request.Rules is not null, "rules", "Required (an empty list turns every notification off).")
            .Check(requested.Length <= MaxRules, "rules", $"At most {MaxRules} rules.");
        var roles = await RoleIdsAsync(db, caller.TenantId, cancellationToken);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < requested.Length && i < MaxRules; i++)
        {
            var rule = requested[i];
            var field = $"rules[{i}]";
            if (rule is null)
            {
                validation.Add(field, "A rule is required here.");
                continue;
            }

            validation
                .Check(rule.EventType is not null && NotifiableEvents.Types.Contains(rule.EventType), $"{field}.eventType", $"One of: {string.Join(", ", NotifiableEvents.Types)}.")
                .Check(rule.EventType is null || seen.Add(rule.EventType), $"{field}.eventType", "Another rule already names this event type.")
                .Check(rule.Channels is { Length: > 0 }, $"{field}.channels", "At least one of: in_app, email, sms, whatsapp.")
                .Check((rule.Recipients?.Length ?? 0) + (rule.RoleIds?.Length ?? 0) > 0, $"{field}.recipients", "At least one recipient or role.")
                .Check((rule.RoleIds?.Length ?? 0) <= MaxRolesPerRule, $"{field}.roleIds", $"At most {MaxRolesPerRule} roles.")
                .Check(rule.RoleIds is null || rule.RoleIds.All(roles.Contains), $"{field}.roleIds", "Every role must exist in this tenant.");
        }

        validation.ThrowIfInvalid();
        var rules = requested.Select(r => new NotificationRule(r.EventType!, [.. r.Channels!.Distinct()], [.. (r.Recipients ?? []).Distinct()], [.. (r.RoleIds ?? []).Distinct()])).ToList();
        var saved = await grains.GetGrain<INotificationRulesGrain>(caller.TenantId, caller.TenantId).ReplaceAsync(rules, Versioning.IfMatch(context.Request));
        Versioning.SetETag(context.Response, saved.Version);
        return TypedResults.Ok(saved);
    }

    private static async Task<HashSet<Guid>> RoleIdsAsync(NpgsqlDataSource db, Guid tenantId, CancellationToken cancellationToken)
    {
        await using var batch = db.ForTenant(tenantId);
        batch.Add("SELECT id FROM roles WHERE tenant_id = $1 AND NOT deleted").With(tenantId);
        var ids = new HashSet<Guid>();
        await using var reader = await batch.ReadAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetGuid(0));
        }

        return ids;
    }
}
