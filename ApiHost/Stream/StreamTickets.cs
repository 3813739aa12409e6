using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Threading.RateLimiting;
using M3CoreCRM.ApiHost.Errors;
using M3CoreCRM.ApiHost.Identity;
using M3CoreCRM.Grains.Persistence;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Npgsql;

namespace M3CoreCRM.ApiHost.Stream;

/// <summary>What a redeemed ticket stands for: the login that asked for it.</summary>
public sealed record RedeemedTicket(Guid TenantId, Guid UserId, Guid FamilyId, Guid SecurityStamp);

/// <summary>
/// Single-use tickets for opening the stream from a browser, whose <c>EventSource</c> cannot send an
/// <c>Authorization</c> header. A ticket is 32 random bytes; only its SHA-256 is stored, and redeeming
/// deletes the row, so a ticket opens one stream, once, within its lifetime, on any API host.
/// </summary>
public sealed class StreamTickets(NpgsqlDataSource dataSource, StreamOptions options, TimeProvider time) : IDisposable
{
    // Redemptions happen before any token is known, so they are limited per client address here.
    private readonly PartitionedRateLimiter<string> _redemptions = PartitionedRateLimiter.Create<string, string>(address =>
        RateLimitPartition.GetFixedWindowLimiter(address, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = options.TicketRedemptionsPerAddressPerMinute,
            Window = TimeSpan.FromMinutes(1),
        }));

    /// <summary>False when the address has redeemed too many tickets this minute.</summary>
    public bool TryRedeemFrom(string address)
    {
        using var lease = _redemptions.AttemptAcquire(address);
        return lease.IsAcquired;
    }

    public void Dispose() => _redemptions.Dispose();

    public async Task<(string Ticket, DateTime ExpiresAt)> IssueAsync(Caller caller, Guid securityStamp, CancellationToken cancellationToken)
    {
        var ticket = Base64Url(RandomNumberGenerator.GetBytes(32));
        var expiresAt = time.GetUtcNow().UtcDateTime.Add(options.TicketLifetime);
        await using var batch = dataSource.ForTenant(caller.TenantId);
        batch.Add("DELETE FROM stream_tickets WHERE tenant_id = $1 AND expires_at < now()").With(caller.TenantId);
        batch.Add("INSERT INTO stream_tickets (ticket_hash, tenant_id, user_id, family_id, security_stamp, expires_at) VALUES ($1, $2, $3, $4, $5, $6)")
            .With(Hash(ticket)).With(caller.TenantId).With(caller.UserId).With(caller.FamilyId).With(securityStamp).With(expiresAt);
        await batch.ExecuteAsync(cancellationToken);
        return (ticket, expiresAt);
    }

    /// <summary>The ticket's login, once; null for an unknown, used or expired ticket.</summary>
    public async Task<RedeemedTicket?> RedeemAsync(string ticket, CancellationToken cancellationToken)
    {
        if (ticket.Length is 0 or > 64)
        {
            return null;
        }

        // The tenant is not known until the ticket is found, so this one statement reads across tenants.
        await using var batch = dataSource.ForSystem();
        batch.Add("DELETE FROM stream_tickets WHERE ticket_hash = $1 RETURNING tenant_id, user_id, family_id, security_stamp, expires_at > now()")
            .With(Hash(ticket));
        await using var reader = await batch.ReadAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) && reader.GetBoolean(4)
            ? new RedeemedTicket(reader.GetGuid(0), reader.GetGuid(1), reader.GetGuid(2), reader.GetGuid(3))
            : null;
    }

    private static byte[] Hash(string ticket) => SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(ticket));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

/// <summary>
/// Authenticates <c>GET /api/v1/stream?ticket=</c>: the ticket stands in for the access token, with the
/// same claims, and names the tenant (no <c>X-Tenant-Id</c> needed). The stream it opens lasts at most
/// one access-token lifetime, like a stream opened with a token.
/// </summary>
public sealed class StreamTicketAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> schemeOptions, ILoggerFactory loggerFactory, UrlEncoder encoder,
    StreamTickets tickets, AuthOptions authOptions, TimeProvider time)
    : AuthenticationHandler<AuthenticationSchemeOptions>(schemeOptions, loggerFactory, encoder)
{
    public const string SchemeName = "StreamTicket";
    public const string ViaTicketClaim = "m3:via-ticket";

    /// <summary>Requests this scheme handles instead of the bearer scheme.</summary>
    public static bool Applies(HttpContext context) =>
        HttpMethods.IsGet(context.Request.Method)
        && context.Request.Query.ContainsKey("ticket")
        && string.Equals(context.Request.Path.Value?.TrimEnd('/'), "/api/v1/stream", StringComparison.OrdinalIgnoreCase);

    private const string ThrottledItem = "m3:stream-ticket-throttled";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!tickets.TryRedeemFrom(Context.Connection.RemoteIpAddress?.ToString() ?? "unknown"))
        {
            Context.Items[ThrottledItem] = true;
            return AuthenticateResult.Fail("Too many stream tickets from this address.");
        }

        var ticket = Request.Query["ticket"].ToString();
        var redeemed = await tickets.RedeemAsync(ticket, Context.RequestAborted);
        if (redeemed is null)
        {
            return AuthenticateResult.Fail("The stream ticket is unknown, used or expired.");
        }

        var expires = time.GetUtcNow().Add(authOptions.AccessTokenLifetime).ToUnixTimeSeconds();
        var identity = new ClaimsIdentity(
            [
                new Claim(M3Claims.TenantId, redeemed.TenantId.ToString()),
                new Claim(M3Claims.UserId, redeemed.UserId.ToString()),
                new Claim(M3Claims.FamilyId, redeemed.FamilyId.ToString()),
                new Claim(M3Claims.SecurityStamp, redeemed.SecurityStamp.ToString()),
                new Claim("exp", expires.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                new Claim(ViaTicketClaim, "true"),
            ],
            SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var problems = Context.RequestServices.GetRequiredService<IProblemDetailsService>();
        if (Context.Items.ContainsKey(ThrottledItem))
        {
            Response.Headers.RetryAfter = "60";
            return TenancyMiddleware.WriteAsync(Context, problems, StatusCodes.Status429TooManyRequests, ProblemCodes.RateLimited, "Too many stream tickets from this address; retry after 60 s.");
        }

        return TenancyMiddleware.WriteAsync(Context, problems, 401, ProblemCodes.Unauthenticated, "The stream ticket is unknown, used or expired; ask for a new one.");
    }
}
