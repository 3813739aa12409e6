using System.Security.Cryptography;
using System.Text;
using M3CoreCRM.Grains.Abstractions.Identity;
using M3CoreCRM.Grains.Persistence;

namespace M3CoreCRM.Grains.Identity;

public sealed class TokenFamilyState
{
    public Guid UserId { get; set; }

    public Guid SecurityStamp { get; set; }

    public string LiveTokenHash { get; set; } = "";

    public DateTime LiveTokenExpiresAt { get; set; }

    /// <summary>Hashes of spent tokens, newest last, so that a replay is recognised as one.</summary>
    public List<string> SpentTokenHashes { get; set; } = [];

    public bool Revoked { get; set; }

    public DateTime StartedAt { get; set; }
}

[GrainType("token_family")]
public sealed class TokenFamilyGrain([PersistentState("token_families", CrmStorage.Name)] IPersistentState<TokenFamilyState> state) : CrmGrain, ITokenFamilyGrain
{
    // Reuse matters while a stolen token and its rightful holder race, that is among the latest tokens:
    // the newest 32 (eight hours of a client refreshing every 15 minutes) are remembered as spent. An
    // older one is simply invalid. Keeping more would make every refresh rewrite an ever larger state.
    private const int RememberedSpentTokens = 32;

    public async Task StartAsync(Guid userId, Guid securityStamp, string tokenHash, DateTimeOffset expiresAt)
    {
        if (state.RecordExists)
        {
            throw new DomainException(DomainErrorKind.Conflict, "family_exists", "This token family already exists.");
        }

        state.State = new TokenFamilyState
        {
            UserId = userId,
            SecurityStamp = securityStamp,
            LiveTokenHash = tokenHash,
            LiveTokenExpiresAt = expiresAt.UtcDateTime,
            StartedAt = DateTime.UtcNow,
        };
        await state.WriteStateAsync();
    }

    public async Task<TokenHolder> RotateAsync(string presentedTokenHash, string nextTokenHash, DateTimeOffset nextExpiresAt)
    {
        var s = state.State;
        if (!state.RecordExists || s.Revoked)
        {
            throw Unauthenticated();
        }

        if (s.SpentTokenHashes.Any(spent => Same(spent, presentedTokenHash)))
        {
            // A spent token came back: either it was stolen or the client is confused. Either way the family ends.
            s.Revoked = true;
            await state.WriteStateAsync();
            throw new DomainException(DomainErrorKind.Unauthenticated, "token_reused", "This refresh token was already used; every session of this login has been ended.");
        }

        if (!Same(s.LiveTokenHash, presentedTokenHash) || s.LiveTokenExpiresAt < DateTime.UtcNow)
        {
            throw Unauthenticated();
        }

        var user = await GrainFactory.GetGrain<IUserGrain>(TenantId, s.UserId).GetCredentialsAsync();
        if (user.Status != UserStatus.Active || user.SecurityStamp != s.SecurityStamp)
        {
            s.Revoked = true;
            await state.WriteStateAsync();
            throw Unauthenticated();
        }

        s.SpentTokenHashes.Add(s.LiveTokenHash);
        if (s.SpentTokenHashes.Count > RememberedSpentTokens)
        {
            s.SpentTokenHashes.RemoveRange(0, s.SpentTokenHashes.Count - RememberedSpentTokens);
        }

        s.LiveTokenHash = nextTokenHash;
        s.LiveTokenExpiresAt = nextExpiresAt.UtcDateTime;
        await state.WriteStateAsync();
        return new TokenHolder(s.UserId, s.SecurityStamp);
    }

    public async Task RevokeAsync()
    {
        if (state.RecordExists && !state.State.Revoked)
        {
            state.State.Revoked = true;
            await state.WriteStateAsync();
        }
    }

    public async Task AdoptSecurityStampAsync(Guid securityStamp)
    {
        if (state.RecordExists && !state.State.Revoked)
        {
            state.State.SecurityStamp = securityStamp;
            await state.WriteStateAsync();
        }
    }

    private static DomainException Unauthenticated() =>
        new(DomainErrorKind.Unauthenticated, "unauthenticated", "The refresh token is not valid.");

    private static bool Same(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(a), Encoding.ASCII.GetBytes(b));
}
