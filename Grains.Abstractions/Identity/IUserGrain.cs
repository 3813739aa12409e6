using M3CoreCRM.Runtime.Grains;

namespace M3CoreCRM.Grains.Abstractions.Identity;

public enum UserStatus
{
    Invited,
    Active,
    Disabled,
}

public enum VerificationChannel
{
    Email,
    Mobile,
}

/// <summary>A user as the API shows it (never any secret). Group membership is kept by the groups.</summary>
public sealed record UserInfo(
    Guid Id,
    string Name,
    string Email,
    string? Mobile,
    IReadOnlyList<Guid> RoleIds,
    UserStatus Status,
    bool EmailVerified,
    bool MobileVerified,
    DateTimeOffset CreatedAt,
    long Version);

/// <summary>What login and token refresh need to know; read-only, never leaves the API host.</summary>
public sealed record UserCredentials(Guid Id, string? PasswordHash, UserStatus Status, Guid SecurityStamp);

/// <summary>A new user: with a password hash they can log in at once; with an invitation token hash they are invited.</summary>
public sealed record CreateUser(
    string Name,
    string Email,
    string? Mobile,
    IReadOnlyList<Guid> RoleIds,
    string? PasswordHash,
    string? InvitationTokenHash,
    DateTimeOffset? InvitationExpiresAt);

public sealed record UpdateUser(string? Name, string? Email, string? Mobile, IReadOnlyList<Guid>? RoleIds, UserStatus? Status);

/// <summary>A user of a tenant. Key: the user id.</summary>
public interface IUserGrain : IGrain
{
    /// <summary>Creates the user; 409 <c>email_taken</c> when the tenant has a user with that email.</summary>
    Task<UserInfo> CreateAsync(CreateUser command);

    [ReadOnly]
    Task<UserInfo> GetAsync();

    [ReadOnly]
    Task<UserCredentials> GetCredentialsAsync();

    Task<UserInfo> UpdateAsync(UpdateUser command, long? expectedVersion);

    /// <summary>Disables the user: a new security stamp, so their refresh tokens stop at once.</summary>
    Task<UserInfo> DisableAsync(long? expectedVersion);

    /// <summary>Sets a new password hash and a new security stamp (every session but <paramref name="keepFamilyId"/> ends); returns the new stamp.</summary>
    Task<Guid> ChangePasswordAsync(string passwordHash, Guid? keepFamilyId);

    /// <summary>Whether an invitation with this token hash is pending and unexpired (checked before anything else is said about the account).</summary>
    [ReadOnly]
    Task<bool> IsInvitationValidAsync(string tokenHash);

    /// <summary>Activates an invited user whose single-use invitation token hashes to <paramref name="tokenHash"/>.</summary>
    Task<UserInfo> AcceptInvitationAsync(string tokenHash, string passwordHash);

    /// <summary>Stores the hash of a new verification code for the channel (replacing any earlier one); at most one a minute and five an hour (429).</summary>
    Task RequestVerificationAsync(VerificationChannel channel, string codeHash, DateTimeOffset expiresAt);

    /// <summary>Marks the channel verified when the code matches; a wrong or expired code is 400 <c>invalid_code</c>; five wrong codes in an hour lock it (429).</summary>
    Task<UserInfo> ConfirmVerificationAsync(VerificationChannel channel, string codeHash);
}
