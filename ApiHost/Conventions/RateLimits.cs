using System.Globalization;
using System.Threading.RateLimiting;
using M3CoreCRM.ApiHost.Errors;
using M3CoreCRM.ApiHost.Identity;
using Microsoft.AspNetCore.RateLimiting;

namespace M3CoreCRM.ApiHost.Conventions;

/// <summary>
/// Rate limits (configuration section <c>RateLimits</c>): sign-up, login and refresh per client
/// address (policy <see cref="Auth"/>) and failed-or-not logins per account (<see cref="AccountThrottle"/>);
/// every other call per tenant and per user. Past a limit: 429 <c>rate_limited</c> with <c>Retry-After</c>.
/// </summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    /// <summary>Sign-up, login, refresh and invitation requests per client address per minute.</summary>
    public int AuthPerAddressPerMinute { get; set; } = 30;

    /// <summary>Login attempts per account (tenant and email) per 15 minutes.</summary>
    public int LoginPerAccountPer15Minutes { get; set; } = 10;

    /// <summary>API requests per tenant per second.</summary>
    public int TenantPerSecond { get; set; } = 1000;

    /// <summary>API requests per user per second.</summary>
    public int UserPerSecond { get; set; } = 50;
}

public static class RateLimits
{
    public const string Auth = "auth";

    public static WebApplicationBuilder AddApiRateLimits(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(RateLimitOptions.Section).Get<RateLimitOptions>() ?? new RateLimitOptions();
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<AccountThrottle>();
        builder.Services.AddRateLimiter(limiter =>
        {
            limiter.AddPolicy(Auth, context => RateLimitPartition.GetFixedWindowLimiter(
                context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = options.AuthPerAddressPerMinute, Window = TimeSpan.FromMinutes(1) }));

            // Authenticated calls: per tenant, then per user (anonymous calls fall under the per-address auth policy where they exist).
            limiter.GlobalLimiter = PartitionedRateLimiter.CreateChained(
                PartitionedRateLimiter.Create<HttpContext, string>(context => TokenClaims.Of(context.User).TenantPartition is { } tenant
                    ? RateLimitPartition.GetTokenBucketLimiter(tenant, _ => Bucket(options.TenantPerSecond))
                    : RateLimitPartition.GetNoLimiter("anonymous")),
                PartitionedRateLimiter.Create<HttpContext, string>(context => TokenClaims.Of(context.User).UserPartition is { } user
                    ? RateLimitPartition.GetTokenBucketLimiter(user, _ => Bucket(options.UserPerSecond))
                    : RateLimitPartition.GetNoLimiter("anonymous")));

            limiter.OnRejected = async (context, cancellationToken) =>
            {
                var seconds = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)) : 1;
                context.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                await TenancyMiddleware.WriteAsync(
                    context.HttpContext,
                    context.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>(),
                    StatusCodes.Status429TooManyRequests,
                    ProblemCodes.RateLimited,
                    $"Too many requests; retry after {seconds} s.");
            };
        });
        return builder;
    }

    private static TokenBucketRateLimiterOptions Bucket(int perSecond) => new()
    {
        TokenLimit = perSecond,
        TokensPerPeriod = perSecond,
        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
        QueueLimit = 0,
        AutoReplenishment = true,
    };
}

/// <summary>Login attempts per account, so that one account cannot be guessed at from many addresses.</summary>
public sealed class AccountThrottle(RateLimitOptions options) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.Create<string, string>(account =>
        RateLimitPartition.GetSlidingWindowLimiter(account, _ => new SlidingWindowRateLimiterOptions
        {
            PermitLimit = options.LoginPerAccountPer15Minutes,
            Window = TimeSpan.FromMinutes(15),
            SegmentsPerWindow = 15,
        }));

    public bool TryAcquire(string account, out TimeSpan retryAfter)
    {
        using var lease = _limiter.AttemptAcquire(account);
        retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
        return lease.IsAcquired;
    }

    public void Dispose() => _limiter.Dispose();
}
