using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace M3CoreCRM.ApiHost.Identity;

/// <summary>Token settings (configuration section <c>Auth</c>).</summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    /// <summary>Base64 HMAC-SHA256 key, at least 32 bytes. Unset: a development key generated once and kept in the data folder.</summary>
    public string? SigningKey { get; set; }

    public string Issuer { get; set; } = "m3corecrm";

    public string Audience { get; set; } = "m3corecrm-api";

    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(15);

    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(30);

    public TimeSpan InvitationLifetime { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// How long an ApiHost reuses a user's resolved access (status, security stamp, session, grants)
    /// without asking PostgreSQL again. A change made through this host (disabling, logout, a role
    /// edit) applies at once; another host sees it within this time. Zero turns the cache off.
    /// </summary>
    public TimeSpan AccessCacheLifetime { get; set; } = TimeSpan.FromSeconds(5);

    public Argon2Options Argon2 { get; set; } = new();
}

/// <summary>The claims of an access token.</summary>
public static class M3Claims
{
    public const string UserId = "sub";
    public const string TenantId = "tid";
    public const string SecurityStamp = "sst";
    public const string FamilyId = "fid";
}

/// <summary>A refresh token as clients hold it: <c>tenant.family.secret</c>; only the secret's SHA-256 is ever stored.</summary>
public sealed record RefreshToken(Guid TenantId, Guid FamilyId, string Secret)
{
    public override string ToString() => $"{TenantId:N}.{FamilyId:N}.{Secret}";

    public string SecretHash => TokenService.HashSecret(Secret);

    public static RefreshToken New(Guid tenantId, Guid familyId) => new(tenantId, familyId, TokenService.NewSecret());

    public static bool TryParse(string? value, out RefreshToken token)
    {
        token = default!;
        var parts = value?.Split('.') ?? [];
        // An all-zero id is never issued (ids are version 7): it is refused here like any other malformed token.
        if (parts.Length != 3 || !Guid.TryParseExact(parts[0], "N", out var tenant) || !Guid.TryParseExact(parts[1], "N", out var family)
            || tenant == Guid.Empty || family == Guid.Empty || parts[2].Length is < 20 or > 100)
        {
            return false;
        }

        token = new RefreshToken(tenant, family, parts[2]);
        return true;
    }
}

/// <summary>Issues access tokens (JWT, HMAC-SHA256) and the secrets behind refresh, invitation and verification tokens.</summary>
public sealed class TokenService(AuthOptions options, SymmetricSecurityKey signingKey, TimeProvider time)
{
    private readonly JsonWebTokenHandler _handler = new();

    public AuthOptions Options => options;

    public string IssueAccessToken(Guid tenantId, Guid userId, Guid securityStamp, Guid familyId)
    {
        var now = time.GetUtcNow().UtcDateTime;
        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = options.Issuer,
            Audience = options.Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + options.AccessTokenLifetime,
            SigningCredentials = new SigningCredentials(signingKey, SecurityAlgorithms.HmacSha256),
            Subject = new ClaimsIdentity(
            [
                new Claim(M3Claims.UserId, userId.ToString()),
                new Claim(M3Claims.TenantId, tenantId.ToString()),
                new Claim(M3Claims.SecurityStamp, securityStamp.ToString()),
                new Claim(M3Claims.FamilyId, familyId.ToString()),
            ]),
        });
    }

    public static TokenValidationParameters ValidationParameters(AuthOptions options, SymmetricSecurityKey signingKey) => new()
    {
        ValidIssuer = options.Issuer,
        ValidAudience = options.Audience,
        IssuerSigningKey = signingKey,
        ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
        ClockSkew = TimeSpan.FromSeconds(30),
        NameClaimType = M3Claims.UserId,
    };

    public static string NewSecret() => Base64Url(RandomNumberGenerator.GetBytes(32));

    public static string HashSecret(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    /// <summary>A six-digit verification code.</summary>
    public static string NewCode() => RandomNumberGenerator.GetInt32(0, 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// A key of its own for another use of the signing key (<paramref name="purpose"/> names the use):
    /// HKDF-SHA256 over the key's bytes, so that no MAC made for one use is valid for another.
    /// </summary>
    public static byte[] DeriveKey(SymmetricSecurityKey signingKey, string purpose) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, signingKey.Key, 32, info: Encoding.UTF8.GetBytes($"m3corecrm/{purpose}"));

    /// <summary>The configured key, or the development key kept in the data folder (created on first run).</summary>
    public static SymmetricSecurityKey LoadSigningKey(AuthOptions options, string dataDirectory)
    {
        if (!string.IsNullOrWhiteSpace(options.SigningKey))
        {
            var key = Convert.FromBase64String(options.SigningKey);
            return key.Length >= 32 ? new SymmetricSecurityKey(key) : throw new InvalidOperationException("Auth:SigningKey must be at least 32 bytes (base64).");
        }

        Directory.CreateDirectory(dataDirectory);
        var file = Path.Combine(dataDirectory, "jwt-signing.key");
        if (!File.Exists(file))
        {
            File.WriteAllText(file, Convert.ToBase64String(RandomNumberGenerator.GetBytes(64)));
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
        }

        return new SymmetricSecurityKey(Convert.FromBase64String(File.ReadAllText(file).Trim()));
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
