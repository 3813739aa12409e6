
namespace M3CoreCRM.Grains.Abstractions.Identity;

[GenerateSerializer, Alias("crm.UserStatus")]
public enum UserStatus
{
    Invited,
    Active,
    Disabled,
}

[GenerateSerializer, Alias("crm.VerificationChannel")]
public enum VerificationChannel
{
    Email,
    Mobile,

    /// <summary>A sign-in's second factor: a code sent by SMS to the user's mobile; spending it verifies nothing.</summary>
    SignIn,
}

/// <summary>A user as the API shows it (never any secret). Group membership is kept by the groups.</summary>
[GenerateSerializer, Immutable, Alias("crm.UserInfo")]
public sealed record UserInfo(
    [property: Id(0)] Guid Id,
    [property: Id(1)] string Name,
    [property: Id(2)] string Email,
    [property: Id(3)] string? Mobile,
    [property: Id(4)] IReadOnlyList<Guid> RoleIds,
    [property: Id(5)] UserStatus Status,
    [property: Id(6)] bool EmailVerified,
    [property: Id(7)] bool MobileVerified,
    [property: Id(8)] DateTimeOffset CreatedAt,
    [property: Id(9)] long Version);

/// <summary>What login and token refresh need to know; read-only, never leaves the API host.</summary>
[GenerateSerializer, Immutable, Alias("crm.UserCredentials")]
public sealed record UserCredentials([property: Id(0)] Guid Id, [property: Id(1)] string? PasswordHash, [property: Id(2)] UserStatus Status, [property: Id(3)] Guid SecurityStamp);

/// <summary>A new user: with a password hash they can log in at once; with an invitation token hash they are invited.</summary>
[GenerateSerializer, Immutable, Alias("crm.CreateUser")]
public sealed record CreateUser(
    [property: Id(0)] string Name,
    [property: Id(1)] string Email,
    [property: Id(2)] string? Mobile,
    [property: Id(3)] IReadOnlyList<Guid> RoleIds,
    [property: Id(4)] string? PasswordHash,
    [property: Id(5)] string? InvitationTokenHash,
    [property: Id(6)] DateTimeOffset? InvitationExpiresAt);

[GenerateSerializer, Immutable, Alias("crm.UpdateUser")]
public sealed record UpdateUser([property: Id(0)] string? Name, [property: Id(1)] string? Email, [property: Id(2)] string? Mobile, [property: Id(3)] IReadOnlyList<Guid>? RoleIds, [property: Id(4)] UserStatus? Status);

/// <summary>A user of a tenant. Key: the user id.</summary>
[Alias("crm.IUserGrain")]
public interface IUserGrain : IGrainWithGuidCompoundKey
{
    /// <summary>Creates the user; 409 <c>email_taken</c> when the tenant has a user with that email.</summary>
    [Alias("Create")]
    Task<UserInfo> CreateAsync(CreateUser command);

    [ReadOnly, Alias("Get")]
    Task<UserInfo> GetAsync();

    [ReadOnly, Alias("GetCredentials")]
    Task<UserCredentials> GetCredentialsAsync();

    [Alias("Update")]
    Task<UserInfo> UpdateAsync(UpdateUser command, long? expectedVersion);

    /// <summary>Disables the user: a new security stamp, so their refresh tokens stop at once.</summary>
    [Alias("Disable")]
    Task<UserInfo> DisableAsync(long? expectedVersion);

    /// <summary>Sets a new password hash and a new security stamp (every session but <paramref name="keepFamilyId"/> ends); returns the new stamp.</summary>
    [Alias("ChangePassword")]
    Task<Guid> ChangePasswordAsync(string passwordHash, Guid? keepFamilyId);

    /// <summary>Whether an invitation with this token hash is pending and unexpired (checked before anything else is said about the account).</summary>
    [ReadOnly, Alias("IsInvitationValid")]
    Task<bool> IsInvitationValidAsync(string tokenHash);

    /// <summary>Activates an invited user whose single-use invitation token hashes to <paramref name="tokenHash"/>.</summary>
    [Alias("AcceptInvitation")]
    Task<UserInfo> AcceptInvitationAsync(string tokenHash, string passwordHash);

    /// <summary>Stores the hash of a new verification code for the channel (replacing any earlier one); at most one a minute and five an hour (429).</summary>
    [Alias("RequestVerification")]
    Task RequestVerificationAsync(VerificationChannel channel, string codeHash, DateTimeOffset expiresAt);

    /// <summary>Marks the channel verified when the code matches; a wrong or expired code is 400 <c>invalid_code</c>; five wrong codes in an hour lock it (429).</summary>
    [Alias("ConfirmVerification")]
    Task<UserInfo> ConfirmVerificationAsync(VerificationChannel channel, string codeHash);

    /// <summary>
    /// Starts a sign-in's second factor: stores the hash of the challenge's secret and the code sent to the user's mobile
    /// (replacing any earlier challenge). 400 when the user has no mobile; at most one a minute and five an hour (429).
    /// </summary>
    [Alias("StartSignInChallenge")]
    Task StartSignInChallengeAsync(string challengeHash, DateTimeOffset expiresAt);

    /// <summary>
    /// Spends the sign-in challenge when the secret and code hash to what was stored: once, before it expires, for an
    /// active user. Otherwise 400 <c>invalid_code</c>; five wrong codes in an hour lock it (429).
    /// </summary>
    [Alias("CompleteSignInChallenge")]
    Task CompleteSignInChallengeAsync(string challengeHash);
}
