using M3CoreCRM.ApiHost.Errors;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.Tokens;

namespace M3CoreCRM.ApiHost.Identity;

/// <summary>Authentication (JWT bearer), the caller pipeline, passwords and tokens.</summary>
public static class IdentitySetup
{
    public static WebApplicationBuilder AddApiIdentity(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(AuthOptions.Section).Get<AuthOptions>() ?? new AuthOptions();
        var dataDirectory = builder.Configuration["M3_DATA_DIR"] ?? Path.Combine(Directory.GetCurrentDirectory(), ".data");
        var signingKey = TokenService.LoadSigningKey(options, dataDirectory);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(new Argon2id(options.Argon2));
        builder.Services.AddSingleton(services => new TokenService(options, signingKey, services.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton(new Conventions.CursorSigner(TokenService.DeriveKey(signingKey, "list-cursors")));
        builder.Services.AddSingleton<TenantDirectory>();
        builder.Services.AddSingleton<AccessResolver>();
        builder.Services.AddSingleton<AuditWriter>();

        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(jwt =>
        {
            jwt.MapInboundClaims = false;
            // Nothing reads the token back from the authentication properties; storing it cost every request a dictionary.
            jwt.SaveToken = false;
            jwt.ForwardDefaultSelector = context => Stream.StreamTicketAuthentication.Applies(context) ? Stream.StreamTicketAuthentication.SchemeName : null;
            jwt.TokenValidationParameters = TokenService.ValidationParameters(options, signingKey);
            jwt.Events = new JwtBearerEvents
            {
                OnChallenge = async context =>
                {
                    context.HandleResponse();
                    var expired = context.AuthenticateFailure is SecurityTokenExpiredException;
                    await TenancyMiddleware.WriteAsync(
                        context.HttpContext,
                        context.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>(),
                        401,
                        expired ? "token_expired" : ProblemCodes.Unauthenticated,
                        expired ? "The access token has expired; refresh it." : "This route needs a valid access token.");
                },
                OnForbidden = context => TenancyMiddleware.WriteAsync(
                    context.HttpContext,
                    context.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>(),
                    403,
                    ProblemCodes.Forbidden,
                    "The caller may not do this."),
            };
        }).AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, Stream.StreamTicketAuthentication>(Stream.StreamTicketAuthentication.SchemeName, null);
        builder.Services.AddSingleton<ValidatedTokenCache>();
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme).Configure<ValidatedTokenCache>((jwt, cache) =>
        {
            jwt.TokenHandlers.Clear();
            jwt.TokenHandlers.Add(cache);
        });
        builder.Services.AddAuthorization();
        return builder;
    }

    /// <summary>
    /// Authentication, then rate limits (partitioned by the token's tenant and user, and before any
    /// database work, so that floods of refused requests are limited too), then the caller pipeline.
    /// </summary>
    public static WebApplication UseApiIdentity(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseAuthorization();
        app.UseMiddleware<TenancyMiddleware>();
        app.UseMiddleware<Conventions.IdempotencyMiddleware>();
        return app;
    }
}
