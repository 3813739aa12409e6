using M3CoreCRM.Runtime.Grains;

namespace M3CoreCRM.Grains.Abstractions.Identity;

/// <summary>The user a rotated refresh token belongs to, and the security stamp its access token carries.</summary>
public sealed record TokenHolder(Guid UserId, Guid SecurityStamp);

/// <summary>
/// The refresh tokens descended from one login. Only the newest token is live; each use spends it
/// and stores the hash of its successor. Presenting a spent token revokes the whole family.
/// Tokens themselves never reach the grain: only their SHA-256 hashes. Key: the family id.
/// </summary>
public interface ITokenFamilyGrain : IGrain
{
    Task StartAsync(Guid userId, Guid securityStamp, string tokenHash, DateTimeOffset expiresAt);

    /// <summary>
    /// Spends the live token and makes <paramref name="nextTokenHash"/> the live one. 401
    /// <c>token_reused</c> (and the family revoked) for a spent token; 401 <c>unauthenticated</c>
    /// for an unknown, expired or revoked one, or when the user is disabled or their stamp changed.
    /// </summary>
    Task<TokenHolder> RotateAsync(string presentedTokenHash, string nextTokenHash, DateTimeOffset nextExpiresAt);

    Task RevokeAsync();

    /// <summary>Carries the family over to the user's new security stamp (the session that changed the password stays).</summary>
    Task AdoptSecurityStampAsync(Guid securityStamp);
}
