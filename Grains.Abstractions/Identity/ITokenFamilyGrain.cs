
namespace M3CoreCRM.Grains.Abstractions.Identity;

/// <summary>The user a rotated refresh token belongs to, and the security stamp its access token carries.</summary>
[GenerateSerializer, Immutable, Alias("crm.TokenHolder")]
public sealed record TokenHolder([property: Id(0)] Guid UserId, [property: Id(1)] Guid SecurityStamp);

/// <summary>
/// The refresh tokens descended from one login. Only the newest token is live; each use spends it
/// and stores the hash of its successor. Presenting a spent token revokes the whole family.
/// Tokens themselves never reach the grain: only their SHA-256 hashes. Key: the family id.
/// </summary>
[Alias("crm.ITokenFamilyGrain")]
public interface ITokenFamilyGrain : IGrainWithGuidCompoundKey
{
    [Alias("Start")]
    Task StartAsync(Guid userId, Guid securityStamp, string tokenHash, DateTimeOffset expiresAt);

    /// <summary>
    /// Spends the live token and makes <paramref name="nextTokenHash"/> the live one. 401
    /// <c>token_reused</c> (and the family revoked) for a spent token; 401 <c>unauthenticated</c>
    /// for an unknown, expired or revoked one, or when the user is disabled or their stamp changed.
    /// </summary>
    [Alias("Rotate")]
    Task<TokenHolder> RotateAsync(string presentedTokenHash, string nextTokenHash, DateTimeOffset nextExpiresAt);

    [Alias("Revoke")]
    Task RevokeAsync();

    /// <summary>Carries the family over to the user's new security stamp (the session that changed the password stays).</summary>
    [Alias("AdoptSecurityStamp")]
    Task AdoptSecurityStampAsync(Guid securityStamp);
}
