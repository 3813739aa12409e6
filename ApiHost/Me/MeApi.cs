using M3CoreCRM.ApiHost.Auth;
using M3CoreCRM.ApiHost.Conventions;
using M3CoreCRM.ApiHost.Identity;
using M3CoreCRM.ApiHost.Users;
using M3CoreCRM.Grains.Abstractions.Identity;
using M3CoreCRM.Grains.Abstractions.Errors;
using M3CoreCRM.Grains.Abstractions.Tenancy;

namespace M3CoreCRM.ApiHost.Me;

public sealed record MeView(UserView User, IReadOnlyDictionary<string, PermissionScope> Permissions);

public sealed record UpdateMeRequest([property: NeverNull] string? Name, string? Mobile);

public sealed record ChangePasswordRequest(string? CurrentPassword, string? NewPassword);

/// <summary>The caller's own profile and password.</summary>
public static class MeApi
{
    public static RouteGroupBuilder MapMeApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapTenantGroup("/api/v1/me", "Me").ChangesAccess();
        group.MapGet("", GetAsync).WithName("GetMe").WithSummary("Get my profile");
        group.MapPatch("", UpdateAsync).WithName("UpdateMe").WithSummary("Update my profile");
        group.MapPost("/password", ChangePasswordAsync).WithName("ChangePassword").WithSummary("Change my password").WithMetadata(new NoIdempotencyReplay());
        return group;
    }

    private static async Task<Ok<MeView>> GetAsync(Caller caller, IGrainFactory grains, HttpResponse response)
    {
        // Groups and grants as the caller's access resolved them: the same ones this request was authorized with.
        var user = await grains.GetGrain<IUserGrain>(caller.TenantId, caller.UserId).GetAsync();
        Versioning.SetETag(response, user.Version);
        return TypedResults.Ok(new MeView(UserView.From(user, caller.GroupIds), caller.Grants));
    }

    private static async Task<Ok<UserView>> UpdateAsync(UpdateMeRequest request, Caller caller, IGrainFactory grains, UserQueries users, HttpContext context, CancellationToken cancellationToken)
    {
        new Validation().Optional("name", request.Name, 200).Phone("mobile", request.Mobile).ThrowIfInvalid();
        var user = await grains.GetGrain<IUserGrain>(caller.TenantId, caller.UserId)
            .UpdateAsync(new UpdateUser(request.Name?.Trim(), null, request.Mobile, null, null), Versioning.IfMatch(context.Request));
        Versioning.SetETag(context.Response, user.Version);
        return TypedResults.Ok(UserView.From(user, await users.GroupIdsAsync(caller.TenantId, caller.UserId, cancellationToken)));
    }

    /// <summary>Every other session of the user ends; this one keeps its refresh token and continues with the new access token returned here.</summary>
    private static async Task<Ok<AccessTokenResponse>> ChangePasswordAsync(
        ChangePasswordRequest request, Caller caller, IGrainFactory grains, Argon2id argon, Sessions sessions, AccountThrottle throttle, AuditWriter audit, HttpContext context)
    {
        new Validation().Required("currentPassword", request.CurrentPassword, PasswordPolicy.MaximumLength).ThrowIfInvalid();

        // Guessing the current password with a stolen access token is limited like guessing it at login.
        if (!throttle.TryAcquire($"password:{caller.TenantId}:{caller.UserId}", out _))
        {
            throw new DomainException(DomainErrorKind.TooManyRequests, "rate_limited", "Too many password change attempts; wait before trying again.");
        }

        var grain = grains.GetGrain<IUserGrain>(caller.TenantId, caller.UserId);
        var credentials = await grain.GetCredentialsAsync();
        if (credentials.PasswordHash is null || !await argon.VerifyAsync(credentials.PasswordHash, request.CurrentPassword!, context.RequestAborted))
        {
            await audit.WriteAsync(caller.TenantId, caller.UserId, caller.ClientAddress, "auth.password_change_failed", "user", caller.UserId, null, context.RequestAborted);
            throw new DomainException(DomainErrorKind.Invalid, "invalid_credentials", "The current password is not correct.",
                new Dictionary<string, string[]> { ["currentPassword"] = ["The current password is not correct."] });
        }

        var user = await grain.GetAsync();
        if (PasswordPolicy.Check(request.NewPassword, user.Email, user.Name) is { } problem)
        {
            throw DomainException.Invalid("newPassword", problem);
        }

        var stamp = await grain.ChangePasswordAsync(await argon.HashAsync(request.NewPassword!, context.RequestAborted), caller.FamilyId);
        return TypedResults.Ok(sessions.Reissue(caller.TenantId, caller.UserId, stamp, caller.FamilyId));
    }
}
