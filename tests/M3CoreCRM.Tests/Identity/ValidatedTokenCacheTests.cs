using System.Security.Claims;
using System.Security.Cryptography;
using M3CoreCRM.ApiHost.Identity;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace M3CoreCRM.Tests.Identity;

/// <summary>The API's JWT handler remembers valid tokens, and nothing else, for no longer than they are valid.</summary>
public sealed class ValidatedTokenCacheTests
{
    private static readonly SymmetricSecurityKey Key = new(RandomNumberGenerator.GetBytes(64));

    private static readonly TokenValidationParameters Parameters = new()
    {
        ValidIssuer = "m3corecrm",
        ValidAudience = "m3corecrm-api",
        IssuerSigningKey = Key,
        ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
        ClockSkew = TimeSpan.Zero,
    };

    private static string Token(DateTime expires) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = "m3corecrm",
        Audience = "m3corecrm-api",
        NotBefore = DateTime.UtcNow.AddMinutes(-1),
        IssuedAt = DateTime.UtcNow.AddMinutes(-1),
        Expires = expires,
        Subject = new ClaimsIdentity([new Claim("uid", Guid.NewGuid().ToString())]),
        SigningCredentials = new SigningCredentials(Key, SecurityAlgorithms.HmacSha256),
    });

    [Fact]
    public async Task ATamperedTokenIsRefusedAfterTheGenuineOneWasAccepted()
    {
        var cache = new ValidatedTokenCache();
        var genuine = Token(DateTime.UtcNow.AddMinutes(10));
        Assert.True((await cache.ValidateTokenAsync(genuine, Parameters)).IsValid);
        Assert.True((await cache.ValidateTokenAsync(genuine, Parameters)).IsValid);

        var signature = genuine[(genuine.LastIndexOf('.') + 1)..];
        var forged = genuine[..(genuine.LastIndexOf('.') + 1)] + (signature[0] == 'A' ? 'B' : 'A') + signature[1..];
        Assert.False((await cache.ValidateTokenAsync(forged, Parameters)).IsValid);
        Assert.False((await cache.ValidateTokenAsync(forged, Parameters)).IsValid);
    }

    [Fact]
    public async Task ARememberedTokenIsRefusedOnceItExpires()
    {
        var cache = new ValidatedTokenCache();
        var expires = DateTime.UtcNow.AddSeconds(2);
        var token = Token(expires);
        var accepted = await cache.ValidateTokenAsync(token, Parameters);
        Assert.True(accepted.IsValid);
        Assert.Equal("uid", accepted.ClaimsIdentity.Claims.Single(c => c.Type == "uid").Type);

        // The token's own exp (whole seconds) is the deadline; wait for the clock to pass it.
        var deadline = accepted.SecurityToken.ValidTo;
        while (DateTime.UtcNow <= deadline)
        {
            await Task.Delay(deadline - DateTime.UtcNow + TimeSpan.FromMilliseconds(20));
        }

        var later = await cache.ValidateTokenAsync(token, Parameters);
        Assert.False(later.IsValid);
        Assert.IsType<SecurityTokenExpiredException>(later.Exception);
    }
}
