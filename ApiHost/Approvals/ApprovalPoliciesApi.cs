using System.Text.Json;
using M3CoreCRM.ApiHost.Conventions;
using M3CoreCRM.ApiHost.Identity;
using M3CoreCRM.Grains.Abstractions.Approvals;
using M3CoreCRM.Grains.Abstractions.Identity;
using M3CoreCRM.Grains.Abstractions.Tenancy;
using M3CoreCRM.Grains.Persistence;
using Npgsql;

namespace M3CoreCRM.ApiHost.Approvals;

/// <summary>
/// A policy as sent. In a PATCH, fields left out keep their value; <c>condition: null</c> removes the condition
/// (so it is read as raw JSON, where left out and null differ).
/// </summary>
public sealed record SaveApprovalPolicyRequest(
    [property: NeverNull] string? Name, [property: NeverNull] string? Action, JsonElement? Condition, Guid[]? ApproverRoleIds, Guid[]? ApproverGroupIds, Guid[]? ApproverUserIds,
    [property: NeverNull] int? Levels, int? ExpiresAfterMinutes);

/// <summary>An action a policy may gate, and the fields of its input that a condition may test.</summary>
public sealed record ApprovalActionInfo(string Action, IReadOnlyList<ApprovalField> Fields);

/// <summary>The tenant's approval policies: which gated actions wait for whose approval.</summary>
public static class ApprovalPoliciesApi
{
    public static RouteGroupBuilder MapApprovalPoliciesApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapTenantGroup("/api/v1/approval-policies", "Approvals");
        group.MapGet("", ListAsync).WithName("ListApprovalPolicies").WithSummary("List approval policies").RequirePermission(Permissions.ApprovalsManage)
            .WithDescription("Ordered by name.");
        group.MapGet("/actions", ListActions).WithName("ListApprovalActions").WithSummary("List the actions a policy can gate").RequirePermission(Permissions.ApprovalsManage)
            .WithDescription("The actions a policy may gate, each with the fields of its input that a condition may test (number fields take gt, gte, lt, lte, eq, ne; ids and words take eq and ne).");
        group.MapGet("/{id:guid}", GetAsync).WithName("GetApprovalPolicy").WithSummary("Get an approval policy").RequirePermission(Permissions.ApprovalsManage);
        group.MapPost("", CreateAsync).WithName("CreateApprovalPolicy").WithSummary("Create an approval policy").RequirePermission(Permissions.ApprovalsManage)
            .WithDescription("""
                { name, action, condition?: { field, op, value }, approverRoleIds?, approverGroupIds?, approverUserIds?, levels (1 to 5, default 1), expiresAfterMinutes? (1 to 43200, default 10080) }.
                A request of the action whose input meets the condition (every request, without one) answers 202 and waits for `levels` approvals, each by a different approver:
                an active user named directly, by role or by group, whose roles grant approvals.decide, never the requester. When several policies match, the one with the most levels applies.
                Approvers are fixed when a request is made; a request with fewer possible approvers than levels is 409 no_approvers.
                """);
        group.MapPatch("/{id:guid}", UpdateAsync).WithName("UpdateApprovalPolicy").WithSummary("Update an approval policy").RequirePermission(Permissions.ApprovalsManage)
            .WithDescription("Fields left out keep their value; condition: null removes the condition. Requests already made keep the policy as it was.");
        group.MapDelete("/{id:guid}", DeleteAsync).WithName("DeleteApprovalPolicy").WithSummary("Delete an approval policy").RequirePermission(Permissions.ApprovalsManage)
            .WithDescription("The action is no longer gated by this policy; requests it already made go on.");
        return group;
    }

    private static async Task<Ok<Page<ApprovalPolicyInfo>>> ListAsync(Caller caller, RecordQueries queries, string? cursor, int? limit, CancellationToken cancellationToken) =>
        TypedResults.Ok(await queries.PageByNameAsync<ApprovalPolicyInfo>(caller, SettingsTable.ApprovalPolicies, cursor, limit, p => p.Name, p => p.Id, cancellationToken));

    private static Ok<ApprovalActionInfo[]> ListActions() =>
        TypedResults.Ok(ApprovalActions.Names.Select(a => new ApprovalActionInfo(a, ApprovalActions.Catalog[a])).ToArray());

    private static async Task<Ok<ApprovalPolicyInfo>> GetAsync(Guid id, Caller caller, IGrainFactory grains, HttpResponse response)
    {
        var policy = await grains.GetGrain<IApprovalPolicyGrain>(caller.TenantId, id).GetAsync();
        Versioning.SetETag(response, policy.Version);
        return TypedResults.Ok(policy);
    }

    private static async Task<Created<ApprovalPolicyInfo>> CreateAsync(SaveApprovalPolicyRequest request, Caller caller, IGrainFactory grains, NpgsqlDataSource db, CancellationToken cancellationToken)
    {
        var fields = await ValidateAsync(request, null, caller, db, cancellationToken);
        var id = Guid.CreateVersion7();
        var policy = await grains.GetGrain<IApprovalPolicyGrain>(caller.TenantId, id).CreateAsync(fields);
        return TypedResults.Created($"/api/v1/approval-policies/{id}", policy);
    }

    private static async Task<Ok<ApprovalPolicyInfo>> UpdateAsync(Guid id, SaveApprovalPolicyRequest request, Caller caller, IGrainFactory grains, NpgsqlDataSource db, HttpContext context, CancellationToken cancellationToken)
    {
        var grain = grains.GetGrain<IApprovalPolicyGrain>(caller.TenantId, id);
        var policy = await Versioning.MergeAsync(context.Request, grain.GetAsync, current => current.Version, async (current, version) =>
            await grain.UpdateAsync(await ValidateAsync(request, current, caller, db, cancellationToken), version));
        Versioning.SetETag(context.Response, policy.Version);
        return TypedResults.Ok(policy);
    }

    private static async Task<NoContent> DeleteAsync(Guid id, Caller caller, IGrainFactory grains, HttpRequest request)
    {
        await grains.GetGrain<IApprovalPolicyGrain>(caller.TenantId, id).DeleteAsync(Versioning.IfMatch(request));
        return TypedResults.NoContent();
    }

    private static async Task<ApprovalPolicyFields> ValidateAsync(SaveApprovalPolicyRequest request, ApprovalPolicyInfo? current, Caller caller, NpgsqlDataSource db, CancellationToken cancellationToken)
    {
        var name = request.Name ?? current?.Name;
        var action = request.Action ?? current?.Action;
        var roles = request.ApproverRoleIds ?? [.. current?.ApproverRoleIds ?? []];
        var groups = request.ApproverGroupIds ?? [.. current?.ApproverGroupIds ?? []];
        var users = request.ApproverUserIds ?? [.. current?.ApproverUserIds ?? []];
        var levels = request.Levels ?? current?.Levels ?? 1;
        var expires = request.ExpiresAfterMinutes ?? current?.ExpiresAfterMinutes;
        var validation = new Validation()
            .Required("name", name, 200)
            .Check(action is not null && ApprovalActions.Catalog.ContainsKey(action), "action", $"One of {string.Join(", ", ApprovalActions.Names)}.")
            .Check(levels is >= 1 and <= ApprovalPolicyLimits.MaxLevels, "levels", $"1 to {ApprovalPolicyLimits.MaxLevels}.")
            .Check(expires is null or (>= 1 and <= ApprovalPolicyLimits.MaxExpiresAfterMinutes), "expiresAfterMinutes", $"1 to {ApprovalPolicyLimits.MaxExpiresAfterMinutes} minutes.")
            .Check(roles.Length + groups.Length + users.Length > 0, "approverRoleIds", "Name at least one approver: a role, a group or a user.")
            .Check(roles.Length <= ApprovalPolicyLimits.MaxApproverEntries && groups.Length <= ApprovalPolicyLimits.MaxApproverEntries && users.Length <= ApprovalPolicyLimits.MaxApproverEntries,
                "approverUserIds", $"At most {ApprovalPolicyLimits.MaxApproverEntries} of each.");

        ApprovalCondition? condition = current?.Condition;
        if (request.Condition is { } given && given.ValueKind != JsonValueKind.Undefined)
        {
            condition = given.ValueKind == JsonValueKind.Null ? null : ParseCondition(given, action, validation);
        }
        else if (condition is not null && action is not null && ApprovalActions.Field(action, condition.Field) is null)
        {
            validation.Add("condition.field", $"The action {action} has no field '{condition.Field}'; send a condition for it, or condition: null.");
        }

        if (validation.IsValid)
        {
            await using var batch = db.ForTenant(caller.TenantId);
            batch.Add("SELECT count(*)::int FROM roles WHERE tenant_id = $1 AND id = ANY($2) AND NOT deleted").With(caller.TenantId).With(roles.Distinct().ToArray());
            batch.Add("SELECT count(*)::int FROM groups WHERE tenant_id = $1 AND id = ANY($2) AND NOT deleted").With(caller.TenantId).With(groups.Distinct().ToArray());
            batch.Add("SELECT count(*)::int FROM users WHERE tenant_id = $1 AND id = ANY($2)").With(caller.TenantId).With(users.Distinct().ToArray());
            await using var reader = await batch.ReadAsync(cancellationToken);
            foreach (var (field, expected) in new[] { ("approverRoleIds", roles.Distinct().Count()), ("approverGroupIds", groups.Distinct().Count()), ("approverUserIds", users.Distinct().Count()) })
            {
                await reader.ReadAsync(cancellationToken);
                validation.Check(reader.GetInt32(0) == expected, field, "Every id must be one of this tenant's.");
                await reader.NextResultAsync(cancellationToken);
            }
        }

        validation.ThrowIfInvalid();
        return new ApprovalPolicyFields(name!.Trim(), action!, condition, [.. roles.Distinct()], [.. groups.Distinct()], [.. users.Distinct()], levels, expires);
    }

    private static ApprovalCondition? ParseCondition(JsonElement json, string? action, Validation validation)
    {
        if (json.ValueKind != JsonValueKind.Object)
        {
            validation.Add("condition", "An object { field, op, value }, or null.");
            return null;
        }

        var fieldName = json.TryGetProperty("field", out var f) && f.ValueKind == JsonValueKind.String ? f.GetString() : null;
        var opName = json.TryGetProperty("op", out var o) && o.ValueKind == JsonValueKind.String ? o.GetString() : null;
        var field = action is null || fieldName is null ? null : ApprovalActions.Field(action, fieldName);
        ConditionOperator? op = opName is not null && Enum.TryParse<ConditionOperator>(opName, ignoreCase: true, out var parsed) && opName.All(char.IsLower) ? parsed : null;
        var value = json.TryGetProperty("value", out var v) ? v.Clone() : default;
        validation
            .Check(field is not null, "condition.field", action is null ? "Give the action first." : $"One of the fields of {action}: {string.Join(", ", ApprovalActions.Catalog.GetValueOrDefault(action)?.Select(x => x.Name) ?? [])}.")
            .Check(op is not null, "condition.op", "One of gt, gte, lt, lte, eq, ne.");
        if (field is null || op is null)
        {
            return null;
        }

        switch (field.Kind)
        {
            case ApprovalFieldKind.Number:
                validation.Check(value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out _), "condition.value", $"{field.Name} is a number.");
                break;
            case ApprovalFieldKind.Id:
                validation.Check(op is ConditionOperator.Eq or ConditionOperator.Ne, "condition.op", $"{field.Name} is an id: eq or ne.")
                    .Check(value.ValueKind == JsonValueKind.String && Guid.TryParse(value.GetString(), out _), "condition.value", $"{field.Name} is an id (a UUID string).");
                break;
            default:
                validation.Check(op is ConditionOperator.Eq or ConditionOperator.Ne, "condition.op", $"{field.Name} is a word: eq or ne.")
                    .Check(value.ValueKind == JsonValueKind.String && value.GetString()!.Length is >= 1 and <= 200, "condition.value", $"{field.Name} is a word of 1 to 200 characters.");
                break;
        }

        return validation.IsValid ? new ApprovalCondition(field.Name, op.Value, value) : null;
    }
}
