using M3CoreCRM.Grains.Abstractions.Billing;
using System.Security.Cryptography;
using System.Text;
using M3CoreCRM.Grains.Abstractions.Identity;
using M3CoreCRM.Grains.Events;
using M3CoreCRM.Grains.Persistence;

namespace M3CoreCRM.Grains.Identity;

public sealed class UserState
{
    public string Name { get; set; } = "";

    public string Email { get; set; } = "";

    public string? Mobile { get; set; }

    public List<Guid> RoleIds { get; set; } = [];

    public UserStatus Status { get; set; }

    public string? PasswordHash { get; set; }

    public string? InvitationTokenHash { get; set; }

    public DateTime? InvitationExpiresAt { get; set; }

    public Guid SecurityStamp { get; set; }

    public bool EmailVerified { get; set; }

    public bool MobileVerified { get; set; }

    public Dictionary<VerificationChannel, PendingVerification> PendingVerifications { get; set; } = [];

    /// <summary>When codes were requested and when wrong codes were tried, within the last hour: the limits outlive each code.</summary>
    public Dictionary<VerificationChannel, List<DateTime>> VerificationRequests { get; set; } = [];

    public Dictionary<VerificationChannel, List<DateTime>> VerificationFailures { get; set; } = [];

    public DateTime CreatedAt { get; set; }
}

public sealed record PendingVerification(string CodeHash, DateTime ExpiresAt, int FailedAttempts);

[GrainType("user")]
public sealed class UserGrain([PersistentState("users", CrmStorage.Name)] IPersistentState<UserState> state) : CrmGrain, IUserGrain
{
    private const int MaxVerificationFailuresPerHour = 5;
    private const int MaxVerificationRequestsPerHour = 5;
    private static readonly TimeSpan MinimumTimeBetweenCodes = TimeSpan.FromMinutes(1);

    public async Task<UserInfo> CreateAsync(CreateUser command)
    {
        if (state.RecordExists)
        {
            // A repeat of the same creation (tenant provisioning after a crash) is not an error.
            if (string.Equals(state.State.Email, command.Email, StringComparison.OrdinalIgnoreCase))
            {
                return Info();
            }

            throw new DomainException(DomainErrorKind.Conflict, "user_exists", "This user already exists.");
        }

        return await WithinPlanAsync(PlanLimit.Seats, async () =>
        {
            state.State = new UserState
            {
                Name = command.Name,
                Email = command.Email,
                Mobile = command.Mobile,
                RoleIds = [.. command.RoleIds.Distinct()],
                Status = command.PasswordHash is null ? UserStatus.Invited : UserStatus.Active,
                PasswordHash = command.PasswordHash,
                InvitationTokenHash = command.InvitationTokenHash,
                InvitationExpiresAt = command.InvitationExpiresAt?.UtcDateTime,
                SecurityStamp = Guid.NewGuid(),
                CreatedAt = DateTime.UtcNow,
            };
            await WriteAsync("user.created", Changes(("name", null, command.Name), ("email", null, command.Email), ("roleIds", null, command.RoleIds), ("status", null, state.State.Status)));
            return Info();
        });
    }

    public Task<UserInfo> GetAsync()
    {
        EnsureExists();
        return Task.FromResult(Info());
    }

    public Task<UserCredentials> GetCredentialsAsync()
    {
        EnsureExists();
        return Task.FromResult(new UserCredentials(Key, state.State.PasswordHash, state.State.Status, state.State.SecurityStamp));
    }

    public async Task<UserInfo> UpdateAsync(UpdateUser command, long? expectedVersion)
    {
        EnsureExists();
        Concurrency.Check(state.Version, expectedVersion);

        // Enabling a disabled user takes a seat again.
        return command.Status == UserStatus.Active && state.State.Status == UserStatus.Disabled && state.State.PasswordHash is not null
            ? await WithinPlanAsync(PlanLimit.Seats, () => ApplyUpdateAsync(command))
            : await ApplyUpdateAsync(command);
    }

    private async Task<UserInfo> ApplyUpdateAsync(UpdateUser command)
    {
        var s = state.State;
        var changes = new Dictionary<string, FieldChange>();
        Set(changes, "name", s.Name, command.Name, v => s.Name = v);
        Set(changes, "email", s.Email, command.Email, v => { s.Email = v; s.EmailVerified = false; });
        Set(changes, "mobile", s.Mobile, command.Mobile, v => { s.Mobile = v; s.MobileVerified = false; });
        if (command.RoleIds is { } roleIds && !roleIds.Order().SequenceEqual(s.RoleIds.Order()))
        {
            changes["roleIds"] = new FieldChange(s.RoleIds.ToArray(), roleIds);
            s.RoleIds = [.. roleIds.Distinct()];
        }

        if (command.Status is { } status && status != s.Status)
        {
            if (status == UserStatus.Invited || (status == UserStatus.Active && s.PasswordHash is null))
            {
                throw DomainException.Invalid("status", "An invited user becomes active by accepting the invitation.");
            }

            changes["status"] = new FieldChange(s.Status, status);
            s.Status = status;
            if (status == UserStatus.Disabled)
            {
                s.SecurityStamp = Guid.NewGuid();
            }
        }

        if (changes.Count > 0)
        {
            var disabled = changes.ContainsKey("status") && s.Status == UserStatus.Disabled;
            await WriteAsync(disabled ? "user.disabled" : "user.updated", changes);
            if (disabled)
            {
                // The seat is free at once (the usage grain counts again).
                await GrainFactory.GetGrain<IPlanUsageGrain>(TenantId, TenantId).RefreshAsync();
            }
        }

        return Info();
    }

    public Task<UserInfo> DisableAsync(long? expectedVersion) => UpdateAsync(new UpdateUser(null, null, null, null, UserStatus.Disabled), expectedVersion);

    public async Task<Guid> ChangePasswordAsync(string passwordHash, Guid? keepFamilyId)
    {
        EnsureExists();
        state.State.PasswordHash = passwordHash;
        state.State.SecurityStamp = Guid.NewGuid();
        await WriteAsync("user.password_changed", Changes(("password", "(secret)", "(secret)")));
        if (keepFamilyId is { } family)
        {
            await GrainFactory.GetGrain<ITokenFamilyGrain>(TenantId, family).AdoptSecurityStampAsync(state.State.SecurityStamp);
        }

        return state.State.SecurityStamp;
    }

    public async Task<UserInfo> AcceptInvitationAsync(string tokenHash, string passwordHash)
    {
        EnsureExists();
        var s = state.State;
        if (s.Status != UserStatus.Invited || s.InvitationTokenHash is null || s.InvitationExpiresAt < DateTime.UtcNow || !SameHash(s.InvitationTokenHash, tokenHash))
        {
            throw new DomainException(DomainErrorKind.Invalid, "invalid_invitation", "The invitation is not valid, or it has expired or been used.");
        }

        s.InvitationTokenHash = null;
        s.InvitationExpiresAt = null;
        s.PasswordHash = passwordHash;
        s.Status = UserStatus.Active;
        s.EmailVerified = true; // The invitation reached this address.
        await WriteAsync("user.activated", Changes(("status", UserStatus.Invited, UserStatus.Active)));
        return Info();
    }

    public async Task RequestVerificationAsync(VerificationChannel channel, string codeHash, DateTimeOffset expiresAt)
    {
        if (channel == VerificationChannel.SignIn)
        {
            throw DomainException.Invalid("channel", "A sign-in code is started by signing in.");
        }

        await StorePendingCodeAsync(channel, codeHash, expiresAt);
    }

    public Task StartSignInChallengeAsync(string challengeHash, DateTimeOffset expiresAt) =>
        StorePendingCodeAsync(VerificationChannel.SignIn, challengeHash, expiresAt);

    public async Task CompleteSignInChallengeAsync(string challengeHash)
    {
        await SpendPendingCodeAsync(VerificationChannel.SignIn, challengeHash);
        if (state.State.Status != UserStatus.Active)
        {
            // Disabled between the password and the code: the challenge is spent, and nothing more is said.
            throw InvalidCode();
        }

        await state.WriteStateAsync();
    }

    private async Task StorePendingCodeAsync(VerificationChannel channel, string codeHash, DateTimeOffset expiresAt)
    {
        EnsureExists();
        if (channel != VerificationChannel.Email && state.State.Mobile is null)
        {
            throw DomainException.Invalid("mobile", "The user has no mobile number to send a code to.");
        }

        var requests = Recent(state.State.VerificationRequests, channel);
        if (requests.Count >= MaxVerificationRequestsPerHour || (requests.Count > 0 && DateTime.UtcNow - requests[^1] < MinimumTimeBetweenCodes))
        {
            throw new DomainException(DomainErrorKind.TooManyRequests, "rate_limited", "A code was requested too recently or too often; wait before asking again.");
        }

        requests.Add(DateTime.UtcNow);
        state.State.PendingVerifications[channel] = new PendingVerification(codeHash, expiresAt.UtcDateTime, 0);
        await state.WriteStateAsync();
    }

    /// <summary>Removes the channel's pending code when it matches (the caller writes the state); a wrong one is counted and written.</summary>
    private async Task SpendPendingCodeAsync(VerificationChannel channel, string codeHash)
    {
        EnsureExists();
        var s = state.State;
        var failures = Recent(s.VerificationFailures, channel);
        if (failures.Count >= MaxVerificationFailuresPerHour)
        {
            throw new DomainException(DomainErrorKind.TooManyRequests, "rate_limited", "Too many wrong codes; wait an hour before trying again.");
        }

        if (!s.PendingVerifications.TryGetValue(channel, out var pending) || pending.ExpiresAt < DateTime.UtcNow)
        {
            throw InvalidCode();
        }

        if (!SameHash(pending.CodeHash, codeHash))
        {
            failures.Add(DateTime.UtcNow);
            await state.WriteStateAsync();
            throw InvalidCode();
        }

        s.PendingVerifications.Remove(channel);
    }

    private static DomainException InvalidCode() =>
        new(DomainErrorKind.Invalid, "invalid_code", "The code is not valid or has expired; request a new one.");

    public async Task<UserInfo> ConfirmVerificationAsync(VerificationChannel channel, string codeHash)
    {
        if (channel == VerificationChannel.SignIn)
        {
            throw DomainException.Invalid("channel", "A sign-in code is spent by completing the sign-in.");
        }

        await SpendPendingCodeAsync(channel, codeHash);
        var s = state.State;
        if (channel == VerificationChannel.Email)
        {
            s.EmailVerified = true;
        }
        else
        {
            s.MobileVerified = true;
        }

        await WriteAsync("user.verified", Changes(($"{channel.ToString().ToLowerInvariant()}Verified", false, true)));
        return Info();
    }

    private async Task WriteAsync(string eventType, Dictionary<string, FieldChange> changes)
    {
        try
        {
            await state.WriteStateAsync([new GrainEvent(eventType, "user", Key, new { id = Key, state.State.Name, state.State.Status }, changes)]);
        }
        catch (UniqueConstraintException exception) when (exception.Constraint == "users_email")
        {
            throw new DomainException(DomainErrorKind.Conflict, "email_taken", "Another user of this tenant has this email.");
        }
    }

    private static Dictionary<string, FieldChange> Changes(params (string Field, object? Before, object? After)[] changes) =>
        changes.ToDictionary(c => c.Field, c => new FieldChange(c.Before, c.After));

    private static void Set(Dictionary<string, FieldChange> changes, string field, string? current, string? requested, Action<string> apply)
    {
        if (requested is not null && requested != current)
        {
            changes[field] = new FieldChange(current, requested);
            apply(requested);
        }
    }

    public Task<bool> IsInvitationValidAsync(string tokenHash) => Task.FromResult(
        state.RecordExists && state.State.Status == UserStatus.Invited && state.State.InvitationTokenHash is { } stored
        && state.State.InvitationExpiresAt >= DateTime.UtcNow && SameHash(stored, tokenHash));

    // The channel's timestamps of the last hour (older ones are dropped), as a list the caller may add to.
    private static List<DateTime> Recent(Dictionary<VerificationChannel, List<DateTime>> log, VerificationChannel channel)
    {
        if (!log.TryGetValue(channel, out var times))
        {
            log[channel] = times = [];
        }

        times.RemoveAll(t => DateTime.UtcNow - t > TimeSpan.FromHours(1));
        return times;
    }

    private static bool SameHash(string stored, string presented) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(stored), Encoding.ASCII.GetBytes(presented));

    private void EnsureExists()
    {
        if (!state.RecordExists)
        {
            throw DomainException.NotFound("The user");
        }
    }

    private UserInfo Info() => new(
        Key, state.State.Name, state.State.Email, state.State.Mobile, state.State.RoleIds, state.State.Status,
        state.State.EmailVerified, state.State.MobileVerified, new DateTimeOffset(state.State.CreatedAt, TimeSpan.Zero), state.Version);
}
