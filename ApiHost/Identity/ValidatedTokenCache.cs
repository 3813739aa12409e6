using Microsoft.Extensions.Caching.Memory;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace M3CoreCRM.ApiHost.Identity;

/// <summary>
/// The JWT handler of the API, remembering tokens it has already validated until they expire. An agent's client
/// sends the same access token with every request for its whole lifetime; checking its signature, parsing its
/// JSON and building its claims each time was about a sixth of the CPU of a request answered from a grain's memory.
/// Only valid tokens are kept, each until its own <c>exp</c> (no clock skew on a cached answer), and at most
/// <see cref="Capacity"/> of them. Whether the session behind a token is still live is not the token's business:
/// <see cref="TenancyMiddleware"/> checks that on every request. The API has one set of validation parameters, so
/// the token alone is the key.
/// </summary>
internal sealed class ValidatedTokenCache : JsonWebTokenHandler, IDisposable
{
    public const int Capacity = 100_000;

    private readonly MemoryCache _validated = new(new MemoryCacheOptions { SizeLimit = Capacity });

    public ValidatedTokenCache()
    {
        MapInboundClaims = false;
    }

    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        if (_validated.TryGetValue(token, out TokenValidationResult? known) && known is not null && known.SecurityToken.ValidTo > DateTime.UtcNow)
        {
            return known;
        }

        var result = await base.ValidateTokenAsync(token, validationParameters);
        if (result.IsValid && result.SecurityToken.ValidTo > DateTime.UtcNow)
        {
            _validated.Set(token, result, new MemoryCacheEntryOptions { AbsoluteExpiration = result.SecurityToken.ValidTo, Size = 1 });
        }

        return result;
    }

    public void Dispose() => _validated.Dispose();
}
