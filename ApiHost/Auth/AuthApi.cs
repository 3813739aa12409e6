using M3CoreCRM.ApiHost.OpenApi;
using M3CoreCRM.ApiHost.Conventions;
using M3CoreCRM.ApiHost.Errors;
using M3CoreCRM.ApiHost.Identity;
using M3CoreCRM.Grains.Notifications;
using M3CoreCRM.ApiHost.Users;
using M3CoreCRM.Grains.Abstractions.Identity;
using M3CoreCRM.Grains.Abstractions.Errors;
using M3CoreCRM.Grains.Abstractions.Tenancy;
using M3CoreCRM.Grains.Persistence;
using Npgsql;

namespace M3CoreCRM.ApiHost.Auth;

public sealed record LoginRequest(string? Email, string? Password);

public sealed record RefreshRequest(string? RefreshToken);

public sealed record AcceptInvitationRequest(string? Token, string? Password);

public sealed record ConfirmVerificationRequest(string? Code);

/// <summary>The answer to a password accepted in a workspace that also asks for a code by SMS.</summary>
/// <param name="Challenge">Sent back with the code to <c>POST /auth/login/second-factor</c>; single use.</param>
/// <param name="Channel">Where the code went: <c>sms</c>.</param>
/// <param name="SentTo">The mobile number the code went to, masked.</param>
/// <param name="ExpiresIn">Seconds the code stays valid.</param>
public sealed record SecondFactorChallenge(string Challenge, string Channel, string SentTo, int ExpiresIn);

public sealed record CompleteSecondFactorRequest(string? Challenge, string? Code);

public sealed record TokenPair(string AccessToken, string RefreshToken, int ExpiresIn, UserView User);

public sealed record AccessTokenResponse(string AccessToken, int ExpiresIn);

/// <summary>Login, token refresh with rotation, logout, invitations and verification codes.</summary>
public static class AuthApi
{
    public static RouteGroupBuilder MapAuthApi(this IEndpointRouteBuilder endpoints)
    {
        var open = endpoints.MapGroup("/api/v1/auth").WithTags("Auth").RequireRateLimiting(RateLimits.Auth);
        open.MapPost("/login", LoginAsync).WithName("Login").WithSummary("Log in").WithMetadata(new OpenApi.TakesTenantHeader())
            .WithDescription("The workspace is named by X-Tenant-Id. A wrong email or a wrong password is the same 401 invalid_credentials. Past the per-account login limit: 429 rate_limited. "
                + "When the workspace's settings.secondFactor is sms, a right password answers 202 with a challenge instead of tokens, and a six-digit code goes to the user's mobile: "
                + "POST /auth/login/second-factor completes the sign-in. A user without a mobile number then gets 403 second_factor_unavailable.")
            .WithExamples(Examples.LoginRequest, (200, Examples.TokenPair));
        open.MapPost("/login/second-factor", CompleteSecondFactorAsync).WithName("CompleteSecondFactor").WithSummary("Complete a sign-in with the code sent by SMS")
            .WithDescription("The challenge from the login's 202 and the code sent to the user's mobile. A wrong, expired or spent code or challenge: 400 invalid_code; five wrong codes in an hour: 429 rate_limited.");
        open.MapPost("/refresh", RefreshAsync).WithName("RefreshToken").WithSummary("Refresh the token pair")
            .WithDescription("Spends the refresh token and answers a new pair. An unknown or revoked token: 401 unauthenticated; a spent one coming back: 401 token_reused, and every session descended from that login is revoked.");
        open.MapPost("/invitations/accept", AcceptInvitationAsync).WithName("AcceptInvitation").WithSummary("Accept an invitation")
            .WithDescription("Sets the invited user's password and logs them in. An unknown, expired or used token: 400 invalid_invitation.");

        var signedIn = endpoints.MapTenantGroup("/api/v1/auth", "Auth").ChangesAccess();
        signedIn.MapPost("/logout", LogoutAsync).WithName("Logout").WithSummary("Log out");
        signedIn.MapPost("/verify/{channel}/request", RequestVerificationAsync).WithName("RequestVerification").WithSummary("Send a verification code");
        signedIn.MapPost("/verify/{channel}/confirm", ConfirmVerificationAsync).WithName("ConfirmVerification").WithSummary("Confirm a verification code");
        return signedIn;
    }

    /// <summary>
    /// Same 401 <c>invalid_credentials</c> for an unknown email and a wrong password, in similar time
    /// (an unknown email still costs one Argon2id verification).
    /// </summary>
    private static async Task<Results<Ok<TokenPair>, Accepted<SecondFactorChallenge>, ProblemHttpResult>> LoginAsync(
        LoginRequest request, HttpContext context, TenantDirectory tenants, NpgsqlDataSource db, Argon2id argon, Sessions sessions, AuditWriter audit, AccountThrottle throttle,
        IGrainFactory grains, INotificationOutbox outbox)
    {
        var header = context.Request.Headers[TenancyMiddleware.TenantHeader].ToString();
        if (string.IsNullOrWhiteSpace(header))
        {
            return ProblemDetailsSetup.Problem(400, "tenant_required", $"Login needs the {TenancyMiddleware.TenantHeader} header (the tenant's id or slug).");
        }

        new Validation().Required("email", request.Email, 254).Required("password", request.Password, PasswordPolicy.MaximumLength).ThrowIfInvalid();
        var tenant = await tenants.FindAsync(header, context.RequestAborted);
        var email = request.Email!.Trim().ToLowerInvariant();
        if (!throttle.TryAcquire($"{tenant?.Id ?? Guid.Empty}:{email}", out var retryAfter))
        {
            context.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return ProblemDetailsSetup.Problem(429, ProblemCodes.RateLimited, "Too many login attempts for this account; wait before trying again.");
        }

        var account = tenant is { Status: "active" } ? await FindAccountAsync(db, tenant.Id, email, context.RequestAborted) : null;
        var verified = account is { PasswordHash: { } hash }
            ? await argon.VerifyAsync(hash, request.Password!, context.RequestAborted)
            : await argon.VerifyAgainstNothingAsync(request.Password!, context.RequestAborted);
        var clientAddress = context.Connection.RemoteIpAddress?.ToString();
        if (!verified || account is null || account.Status != "active")
        {
            if (tenant is not null)
            {
                await audit.WriteAsync(tenant.Id, account?.Id, clientAddress, "auth.login_failed", "user", account?.Id, new { email }, context.RequestAborted);
            }

            return ProblemDetailsSetup.Problem(401, "invalid_credentials", "The email or password is not correct.");
        }

        using var requestContext = CallerContext.Begin(tenant!.Id, account.Id, clientAddress);
        if ((await grains.GetGrain<ITenantGrain>(tenant.Id, tenant.Id).GetAsync()).Settings.AsksForSmsCode)
        {
            return await ChallengeAsync(tenant.Id, account.Id, grains, outbox, audit, clientAddress, context.RequestAborted);
        }

        var pair = await sessions.StartAsync(tenant!.Id, account.Id, context.RequestAborted);
        await audit.WriteAsync(tenant.Id, account.Id, clientAddress, "auth.login", "user", account.Id, null, context.RequestAborted);
        return TypedResults.Ok(pair);
    }

    /// <summary>The password was right and the workspace asks for a code: the code goes by SMS, bound to a single-use challenge.</summary>
    private static async Task<Results<Ok<TokenPair>, Accepted<SecondFactorChallenge>, ProblemHttpResult>> ChallengeAsync(
        Guid tenantId, Guid userId, IGrainFactory grains, INotificationOutbox outbox, AuditWriter audit, string? clientAddress, CancellationToken cancellationToken)
    {
        var user = grains.GetGrain<IUserGrain>(tenantId, userId);
        if ((await user.GetAsync()).Mobile is not { } mobile)
        {
            await audit.WriteAsync(tenantId, userId, clientAddress, "auth.login_failed", "user", userId, new { reason = "no_mobile_for_second_factor" }, cancellationToken);
            return ProblemDetailsSetup.Problem(403, "second_factor_unavailable",
                "This workspace signs in with a code sent by SMS, and your account has no mobile number. Ask an administrator to add one.");
        }

        var challenge = new UserToken(tenantId, userId, TokenService.NewSecret());
        var code = TokenService.NewCode();
        var lifetime = TimeSpan.FromMinutes(5);
        await user.StartSignInChallengeAsync(SecondFactorHash(challenge, code), DateTimeOffset.UtcNow + lifetime);
        await outbox.SendAsync(MessageTemplates.SignInSms(tenantId, userId, mobile, code, TokenService.HashSecret(challenge.Secret)[..16]), cancellationToken);
        await audit.WriteAsync(tenantId, userId, clientAddress, "auth.second_factor_sent", "user", userId, new { channel = "sms" }, cancellationToken);
        return TypedResults.Accepted((string?)null, new SecondFactorChallenge(challenge.ToString(), "sms", Masked(mobile), (int)lifetime.TotalSeconds));
    }

    /// <summary>Spends the challenge with its code and logs in; the same 400 <c>invalid_code</c> for a wrong code and a wrong or spent challenge.</summary>
    private static async Task<Ok<TokenPair>> CompleteSecondFactorAsync(
        CompleteSecondFactorRequest request, HttpContext context, TenantDirectory tenants, IGrainFactory grains, Sessions sessions, AuditWriter audit)
    {
        new Validation().Required("challenge", request.Challenge, 300).Required("code", request.Code, 12).ThrowIfInvalid();
        var invalid = new DomainException(DomainErrorKind.Invalid, "invalid_code", "The code is not valid or has expired; sign in again for a new one.");
        if (!UserToken.TryParse(request.Challenge, out var challenge)
            || await tenants.FindAsync(challenge.TenantId.ToString(), context.RequestAborted) is not { Status: "active" })
        {
            throw invalid;
        }

        var clientAddress = context.Connection.RemoteIpAddress?.ToString();
        using var requestContext = CallerContext.Begin(challenge.TenantId, challenge.UserId, clientAddress);
        try
        {
            await grains.GetGrain<IUserGrain>(challenge.TenantId, challenge.UserId).CompleteSignInChallengeAsync(SecondFactorHash(challenge, request.Code!.Trim()));
        }
        catch (DomainException exception) when (exception.Kind is DomainErrorKind.Invalid or DomainErrorKind.NotFound)
        {
            if (exception.Kind == DomainErrorKind.Invalid)
            {
                await audit.WriteAsync(challenge.TenantId, challenge.UserId, clientAddress, "auth.login_failed", "user", challenge.UserId, new { reason = "second_factor" }, context.RequestAborted);
            }

            throw invalid;
        }

        var pair = await sessions.StartAsync(challenge.TenantId, challenge.UserId, context.RequestAborted);
        await audit.WriteAsync(challenge.TenantId, challenge.UserId, clientAddress, "auth.login", "user", challenge.UserId, new { secondFactor = "sms" }, context.RequestAborted);
        return TypedResults.Ok(pair);
    }

    // The code alone is six digits; bound to the challenge's secret, a code is good only with the sign-in it was sent for.
    private static string SecondFactorHash(UserToken challenge, string code) => TokenService.HashSecret($"{challenge.Secret}:{code}");

    /// <summary>The number as the person who typed the password may see it: its first four and last three characters.</summary>
    private static string Masked(string mobile) =>
        mobile.Length <= 7 ? new string('•', mobile.Length) : mobile[..4] + new string('•', mobile.Length - 7) + mobile[^3..];

    /// <summary>The presented token is spent and a new pair is issued; a spent token coming back revokes the whole family (401 <c>token_reused</c>).</summary>
    private static async Task<Ok<TokenPair>> RefreshAsync(RefreshRequest request, Sessions sessions, AccessResolver access, CancellationToken cancellationToken)
    {
        if (!RefreshToken.TryParse(request.RefreshToken, out var token))
        {
            throw new DomainException(DomainErrorKind.Unauthenticated, "unauthenticated", "The refresh token is not valid.");
        }

        try
        {
            return TypedResults.Ok(await sessions.RotateAsync(token, cancellationToken));
        }
        catch (DomainException exception) when (exception.Kind == DomainErrorKind.Unauthenticated)
        {
            // A reused token revokes its family: the family's access tokens must stop working at once.
            access.Invalidate(token.TenantId);
            throw;
        }
    }

    private static async Task<NoContent> LogoutAsync(Caller caller, IGrainFactory grains)
    {
        await grains.GetGrain<ITokenFamilyGrain>(caller.TenantId, caller.FamilyId).RevokeAsync();
        return TypedResults.NoContent();
    }

    private static async Task<Ok<TokenPair>> AcceptInvitationAsync(AcceptInvitationRequest request, IGrainFactory grains, Argon2id argon, Sessions sessions, HttpContext context)
    {
        if (!UserToken.TryParse(request.Token, out var invitation))
        {
            throw new DomainException(DomainErrorKind.Invalid, "invalid_invitation", "The invitation is not valid, or it has expired or been used.");
        }

        // The token is checked first, so that nothing about the account is said to someone without it.
        var user = grains.GetGrain<IUserGrain>(invitation.TenantId, invitation.UserId);
        if (!await user.IsInvitationValidAsync(TokenService.HashSecret(invitation.Secret)))
        {
            throw new DomainException(DomainErrorKind.Invalid, "invalid_invitation", "The invitation is not valid, or it has expired or been used.");
        }

        var current = await user.GetAsync();

        if (PasswordPolicy.Check(request.Password, current.Email, current.Name) is { } problem)
        {
            throw DomainException.Invalid("password", problem);
        }

        using var requestContext = CallerContext.Begin(invitation.TenantId, invitation.UserId, context.Connection.RemoteIpAddress?.ToString());
        var accepted = await user.AcceptInvitationAsync(TokenService.HashSecret(invitation.Secret), await argon.HashAsync(request.Password!, context.RequestAborted));
        return TypedResults.Ok(await sessions.StartAsync(invitation.TenantId, accepted.Id, context.RequestAborted));
    }

    private static async Task<Accepted> RequestVerificationAsync(string channel, Caller caller, IGrainFactory grains, INotificationOutbox outbox, CancellationToken cancellationToken)
    {
        var kind = ParseChannel(channel);
        var user = grains.GetGrain<IUserGrain>(caller.TenantId, caller.UserId);
        var info = await user.GetAsync();
        var code = TokenService.NewCode();
        await user.RequestVerificationAsync(kind, TokenService.HashSecret(code), DateTimeOffset.UtcNow.AddMinutes(15));
        await outbox.SendAsync(
            kind == VerificationChannel.Email
                ? MessageTemplates.VerificationEmail(caller.TenantId, info.Email, code)
                : MessageTemplates.VerificationSms(caller.TenantId, info.Mobile!, code),
            cancellationToken);
        return TypedResults.Accepted((string?)null);
    }

    private static async Task<Ok<UserView>> ConfirmVerificationAsync(string channel, ConfirmVerificationRequest request, Caller caller, IGrainFactory grains, UserQueries users, CancellationToken cancellationToken)
    {
        new Validation().Required("code", request.Code, 12).ThrowIfInvalid();
        var info = await grains.GetGrain<IUserGrain>(caller.TenantId, caller.UserId).ConfirmVerificationAsync(ParseChannel(channel), TokenService.HashSecret(request.Code!.Trim()));
        return TypedResults.Ok(UserView.From(info, await users.GroupIdsAsync(caller.TenantId, info.Id, cancellationToken)));
    }

    private static VerificationChannel ParseChannel(string channel) => channel switch
    {
        "email" => VerificationChannel.Email,
        "mobile" => VerificationChannel.Mobile,
        _ => throw DomainException.NotFound("The verification channel"),
    };

    private static async Task<Account?> FindAccountAsync(NpgsqlDataSource db, Guid tenantId, string email, CancellationToken cancellationToken)
    {
        await using var batch = db.ForTenant(tenantId);
        batch.Add("SELECT id, state ->> 'passwordHash', status FROM users WHERE tenant_id = $1 AND email = $2").With(tenantId).With(email);
        await using var reader = await batch.ReadAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new Account(reader.GetGuid(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetString(2))
            : null;
    }

    private sealed record Account(Guid Id, string? PasswordHash, string Status);
}
