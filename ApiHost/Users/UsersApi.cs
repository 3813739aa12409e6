using M3CoreCRM.ApiHost.Auth;
using M3CoreCRM.ApiHost.Conventions;
using M3CoreCRM.ApiHost.Identity;
using M3CoreCRM.Grains.Notifications;
using M3CoreCRM.Grains.Abstractions.Identity;
using M3CoreCRM.Grains.Abstractions.Errors;
using M3CoreCRM.Grains.Abstractions.Tenancy;

namespace M3CoreCRM.ApiHost.Users;

public sealed record CreateUserRequest(string? Name, string? Email, string? Mobile, Guid[]? RoleIds, Guid[]? GroupIds, string? Password);

public sealed record UpdateUserRequest(
    [property: NeverNull] string? Name, [property: NeverNull] string? Email, string? Mobile, [property: NeverNull] Guid[]? RoleIds, [property: NeverNull] Guid[]? GroupIds,
    [property: NeverNull] UserStatus? Status);

/// <summary>The tenant's users: created with a password (active at once) or invited, changed, disabled (never deleted).</summary>
public static class UsersApi
{
    public static RouteGroupBuilder MapUsersApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapTenantGroup("/api/v1/users", "Users").ChangesAccess();
        group.MapGet("", ListAsync).WithName("ListUsers").WithSummary("List users").RequirePermission(Permissions.UsersManage);
        group.MapGet("/{id:guid}", GetAsync).WithName("GetUser").WithSummary("Get a user");
        group.MapPost("", CreateAsync).WithName("CreateUser").WithSummary("Create or invite a user")
            .WithDescription("With password the user can log in at once; without it they are invited (a single-use invitation, 7 days). Another user of the tenant with the email: 409 email_taken. Past the plan's seats (active and invited users): 403 plan_limit (`limit`: seats).").RequirePermission(Permissions.UsersManage);
        group.MapPatch("/{id:guid}", UpdateAsync).WithName("UpdateUser").WithSummary("Update a user")
            .WithDescription("Another user of the tenant with the email: 409 email_taken. Taking the owner role from the last active owner: 409 last_owner.").RequirePermission(Permissions.UsersManage);
        group.MapDelete("/{id:guid}", DisableAsync).WithName("DisableUser").WithSummary("Disable a user")
            .WithDescription("Disables the user (history keeps them): they can no longer log in or refresh, and their access ends within seconds. Disabling oneself: 409 cannot_disable_self; the last active owner: 409 last_owner.").RequirePermission(Permissions.UsersManage);
        return group;
    }

    private static async Task<Ok<Page<UserView>>> ListAsync(Caller caller, UserQueries users, string? status, string? q, string? sort, string? cursor, int? limit, CancellationToken cancellationToken) =>
        TypedResults.Ok(await users.ListAsync(caller.TenantId, status, q, sort, cursor, limit, cancellationToken));

    /// <summary>One's own account, or anyone's with <c>users.manage</c> (to others it reads as not found).</summary>
    private static async Task<Ok<UserView>> GetAsync(Guid id, Caller caller, IGrainFactory grains, UserQueries users, HttpResponse response, CancellationToken cancellationToken)
    {
        if (id != caller.UserId && !caller.Can(Permissions.UsersManage))
        {
            throw DomainException.NotFound("The user");
        }

        var user = await grains.GetGrain<IUserGrain>(caller.TenantId, id).GetAsync();
        Versioning.SetETag(response, user.Version);
        return TypedResults.Ok(UserView.From(user, await users.GroupIdsAsync(caller.TenantId, id, cancellationToken)));
    }

    private static async Task<Created<UserView>> CreateAsync(
        CreateUserRequest request, Caller caller, IGrainFactory grains, UserQueries users, RoleGuard guard, Argon2id argon, TokenService tokens, INotificationOutbox outbox, TimeProvider time, CancellationToken cancellationToken)
    {
        var validation = new Validation()
            .Required("name", request.Name, 200)
            .Email("email", request.Email)
            .Phone("mobile", request.Mobile);
        if (request.Password is not null && PasswordPolicy.Check(request.Password, request.Email, request.Name) is { } passwordProblem)
        {
            validation.Add("password", passwordProblem);
        }

        await CheckReferencesAsync(validation, caller.TenantId, users, request.RoleIds, request.GroupIds, cancellationToken);
        validation.ThrowIfInvalid();
        await guard.EnsureAllowedAsync(caller, null, request.RoleIds ?? [], disabling: false);

        var id = Guid.CreateVersion7();
        var invitation = request.Password is null ? new UserToken(caller.TenantId, id, TokenService.NewSecret()) : null;
        var user = await grains.GetGrain<IUserGrain>(caller.TenantId, id).CreateAsync(new CreateUser(
            request.Name!.Trim(),
            request.Email!.Trim(),
            request.Mobile,
            request.RoleIds ?? [],
            request.Password is null ? null : await argon.HashAsync(request.Password, cancellationToken),
            invitation is null ? null : TokenService.HashSecret(invitation.Secret),
            invitation is null ? null : time.GetUtcNow() + tokens.Options.InvitationLifetime));
        foreach (var groupId in request.GroupIds?.Distinct() ?? [])
        {
            await grains.GetGrain<IGroupGrain>(caller.TenantId, groupId).AddMemberAsync(id);
        }

        if (invitation is not null)
        {
            await outbox.SendAsync(MessageTemplates.Invitation(caller.TenantId, id, user.Email, invitation.ToString(), tokens.Options.InvitationLifetime.TotalDays), cancellationToken);
        }

        return TypedResults.Created($"/api/v1/users/{id}", UserView.From(user, [.. request.GroupIds?.Distinct() ?? []]));
    }

    private static async Task<Ok<UserView>> UpdateAsync(Guid id, UpdateUserRequest request, Caller caller, IGrainFactory grains, UserQueries users, RoleGuard guard, HttpContext context, CancellationToken cancellationToken)
    {
        var validation = new Validation().Optional("name", request.Name, 200).Email("email", request.Email, required: false).Phone("mobile", request.Mobile);
        await CheckReferencesAsync(validation, caller.TenantId, users, request.RoleIds, request.GroupIds, cancellationToken);
        validation.Check(!(id == caller.UserId && request.Status == UserStatus.Disabled), "status", "You cannot disable yourself.");
        validation.ThrowIfInvalid();
        await guard.EnsureAllowedAsync(caller, id, request.RoleIds, disabling: request.Status == UserStatus.Disabled);

        var grain = grains.GetGrain<IUserGrain>(caller.TenantId, id);
        var user = await grain.UpdateAsync(new UpdateUser(request.Name?.Trim(), request.Email?.Trim(), request.Mobile, request.RoleIds, request.Status), Versioning.IfMatch(context.Request));
        if (request.GroupIds is { } wanted)
        {
            var current = await users.GroupIdsAsync(caller.TenantId, id, cancellationToken);
            foreach (var groupId in wanted.Except(current))
            {
                await grains.GetGrain<IGroupGrain>(caller.TenantId, groupId).AddMemberAsync(id);
            }

            foreach (var groupId in current.Except(wanted))
            {
                await grains.GetGrain<IGroupGrain>(caller.TenantId, groupId).RemoveMemberAsync(id);
            }
        }

        Versioning.SetETag(context.Response, user.Version);
        return TypedResults.Ok(UserView.From(user, await users.GroupIdsAsync(caller.TenantId, id, cancellationToken)));
    }

    private static async Task<NoContent> DisableAsync(Guid id, Caller caller, IGrainFactory grains, RoleGuard guard, HttpContext context)
    {
        if (id == caller.UserId)
        {
            throw new DomainException(DomainErrorKind.Conflict, "cannot_disable_self", "You cannot disable yourself.");
        }

        await guard.EnsureAllowedAsync(caller, id, null, disabling: true);

        await grains.GetGrain<IUserGrain>(caller.TenantId, id).DisableAsync(Versioning.IfMatch(context.Request));
        return TypedResults.NoContent();
    }

    private static async Task CheckReferencesAsync(Validation validation, Guid tenantId, UserQueries users, Guid[]? roleIds, Guid[]? groupIds, CancellationToken cancellationToken)
    {
        if (roleIds is { Length: > 0 } && await users.UnknownRolesAsync(tenantId, roleIds, cancellationToken) is { Length: > 0 } unknownRoles)
        {
            validation.Add("roleIds", $"Unknown roles: {string.Join(", ", unknownRoles)}.");
        }

        if (groupIds is { Length: > 0 } && await users.UnknownGroupsAsync(tenantId, groupIds, cancellationToken) is { Length: > 0 } unknownGroups)
        {
            validation.Add("groupIds", $"Unknown groups: {string.Join(", ", unknownGroups)}.");
        }
    }
}
