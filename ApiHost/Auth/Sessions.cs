using M3CoreCRM.ApiHost.Identity;
using M3CoreCRM.ApiHost.Users;
using M3CoreCRM.Grains.Abstractions.Identity;
using M3CoreCRM.Grains.Abstractions.Tenancy;

namespace M3CoreCRM.ApiHost.Auth;

/// <summary>
/// Starts a login's token family and rotates its refresh tokens. Each new pair carries the user as
/// <c>GET /me</c> shows them, so a client knows whom it signed in as without another request.
/// </summary>
public sealed class Sessions(IGrainFactory grains, UserQueries users, TokenService tokens, TimeProvider time)
{
    public async Task<TokenPair> StartAsync(Guid tenantId, Guid userId, CancellationToken cancellationToken)
    {
        var credentials = await grains.GetGrain<IUserGrain>(tenantId, userId).GetCredentialsAsync();
        var familyId = Guid.CreateVersion7();
        var refresh = RefreshToken.New(tenantId, familyId);
        await grains.GetGrain<ITokenFamilyGrain>(tenantId, familyId)
            .StartAsync(userId, credentials.SecurityStamp, refresh.SecretHash, time.GetUtcNow() + tokens.Options.RefreshTokenLifetime);
        return await PairAsync(tenantId, userId, credentials.SecurityStamp, familyId, refresh, cancellationToken);
    }

    public async Task<TokenPair> RotateAsync(RefreshToken presented, CancellationToken cancellationToken)
    {
        var next = RefreshToken.New(presented.TenantId, presented.FamilyId);
        var holder = await grains.GetGrain<ITokenFamilyGrain>(presented.TenantId, presented.FamilyId)
            .RotateAsync(presented.SecretHash, next.SecretHash, time.GetUtcNow() + tokens.Options.RefreshTokenLifetime);
        return await PairAsync(presented.TenantId, holder.UserId, holder.SecurityStamp, presented.FamilyId, next, cancellationToken);
    }

    /// <summary>A new access token for the same login (after the user's security stamp changed); its refresh token stays as it is.</summary>
    public AccessTokenResponse Reissue(Guid tenantId, Guid userId, Guid securityStamp, Guid familyId) =>
        new(tokens.IssueAccessToken(tenantId, userId, securityStamp, familyId), (int)tokens.Options.AccessTokenLifetime.TotalSeconds);

    private async Task<TokenPair> PairAsync(Guid tenantId, Guid userId, Guid stamp, Guid familyId, RefreshToken refresh, CancellationToken cancellationToken)
    {
        var user = await grains.GetGrain<IUserGrain>(tenantId, userId).GetAsync();
        var groupIds = await users.GroupIdsAsync(tenantId, userId, cancellationToken);
        return new TokenPair(
            tokens.IssueAccessToken(tenantId, userId, stamp, familyId), refresh.ToString(), (int)tokens.Options.AccessTokenLifetime.TotalSeconds, UserView.From(user, groupIds));
    }
}

/// <summary>
/// A token for one user, <c>tenant.user.secret</c>: an invitation as it travels in the email, or a sign-in challenge
/// waiting for its SMS code. The user grain keeps only the secret's hash.
/// </summary>
public sealed record UserToken(Guid TenantId, Guid UserId, string Secret)
{
    public override string ToString() => $"{TenantId:N}.{UserId:N}.{Secret}";

    public static bool TryParse(string? value, out UserToken token)
    {
        token = default!;
        var parts = value?.Split('.') ?? [];
        // An all-zero id is never issued (ids are version 7): it is refused here like any other malformed token.
        if (parts.Length != 3 || !Guid.TryParseExact(parts[0], "N", out var tenant) || !Guid.TryParseExact(parts[1], "N", out var user)
            || tenant == Guid.Empty || user == Guid.Empty || parts[2].Length is < 20 or > 100)
        {
            return false;
        }

        token = new UserToken(tenant, user, parts[2]);
        return true;
    }
}
