using M3CoreCRM.ApiHost.OpenApi;
using M3CoreCRM.ApiHost.Auth;
using M3CoreCRM.ApiHost.Conventions;
using M3CoreCRM.ApiHost.Identity;
using M3CoreCRM.ApiHost.Users;
using M3CoreCRM.Grains.Abstractions.Identity;
using M3CoreCRM.Grains.Abstractions.Tenancy;

namespace M3CoreCRM.ApiHost.Tenants;

public sealed record SignUpOwner(string? Name, string? Email, string? Password);

public sealed record SignUpRequest(string? Name, string? Slug, SignUpOwner? Owner);

public sealed record SignUpResponse(TenantInfo Tenant, UserView User, string AccessToken, string RefreshToken, int ExpiresIn);

public sealed record UpdateTenantRequest([property: NeverNull] string? Name, [property: NeverNull] TenantSettings? Settings);

/// <summary>Sign-up (no auth) and the caller's own tenant.</summary>
public static class TenantsApi
{
    public static RouteGroupBuilder MapTenantsApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/api/v1/tenants", SignUpAsync).WithName("SignUp").WithSummary("Sign up a workspace and its owner")
            .WithDescription("Creates the tenant with its built-in roles, a default pipeline and default lead statuses and sources, and its owner, who is logged in. A taken slug: 409 slug_taken.").WithTags("Tenants").RequireRateLimiting(RateLimits.Auth)
            .WithExamples(Examples.SignUpRequest);

        var group = endpoints.MapTenantGroup("/api/v1/tenant", "Tenants").ChangesAccess();
        group.MapGet("", GetAsync).WithName("GetTenant").WithSummary("Get the caller's workspace");
        group.MapPatch("", UpdateAsync).WithName("UpdateTenant").WithSummary("Update the workspace's name or settings").RequirePermission(Permissions.SettingsManage);
        return group;
    }

    /// <summary>Creates the tenant, its built-in roles, its owner and default catalogs; logs the owner in. A taken slug is 409 <c>slug_taken</c>.</summary>
    private static async Task<Created<SignUpResponse>> SignUpAsync(SignUpRequest request, IGrainFactory grains, Argon2id argon, Sessions sessions, HttpContext context)
    {
        var validation = new Validation()
            .Required("name", request.Name, 200)
            .Check(request.Slug is not null && TenantDirectory.IsValidSlug(request.Slug), "slug", "The slug must match ^[a-z0-9][a-z0-9-]{1,62}$ and must not have the shape of an id (a UUID).")
            .Check(request.Owner is not null, "owner", "Required.");
        if (request.Owner is { } owner)
        {
            validation.Required("owner.name", owner.Name, 200).Email("owner.email", owner.Email);
            if (PasswordPolicy.Check(owner.Password, owner.Email, owner.Name) is { } problem)
            {
                validation.Add("owner.password", problem);
            }
        }

        validation.ThrowIfInvalid();
        var tenantId = Guid.CreateVersion7();
        var ownerId = Guid.CreateVersion7();
        using var requestContext = CallerContext.Begin(tenantId, ownerId, context.Connection.RemoteIpAddress?.ToString());
        var tenant = await grains.GetGrain<ITenantGrain>(tenantId, tenantId).CreateAsync(new CreateTenant(
            request.Name!.Trim(), request.Slug!, new NewTenantOwner(ownerId, request.Owner!.Name!.Trim(), request.Owner.Email!.Trim(), await argon.HashAsync(request.Owner.Password!, context.RequestAborted))));
        var pair = await sessions.StartAsync(tenantId, ownerId, context.RequestAborted);
        return TypedResults.Created("/api/v1/tenant", new SignUpResponse(tenant, pair.User, pair.AccessToken, pair.RefreshToken, pair.ExpiresIn));
    }

    private static async Task<Ok<TenantInfo>> GetAsync(Caller caller, IGrainFactory grains, HttpResponse response)
    {
        var tenant = await grains.GetGrain<ITenantGrain>(caller.TenantId, caller.TenantId).GetAsync();
        Versioning.SetETag(response, tenant.Version);
        return TypedResults.Ok(tenant);
    }

    private static async Task<Ok<TenantInfo>> UpdateAsync(UpdateTenantRequest request, Caller caller, IGrainFactory grains, HttpContext context)
    {
        var validation = new Validation().Optional("name", request.Name, 200);
        var settings = request.Settings;
        var grain = grains.GetGrain<ITenantGrain>(caller.TenantId, caller.TenantId);
        if (settings is not null)
        {
            validation
                .Check(TimeZoneInfo.TryFindSystemTimeZoneById(settings.Timezone ?? "", out _), "settings.timezone", "An IANA time zone such as Asia/Dubai is required.")
                .Check(settings.Currency is { Length: 3 } && settings.Currency.All(char.IsAsciiLetterUpper), "settings.currency", "An ISO 4217 code such as USD is required.")
                .Check(settings.Locale is { Length: >= 2 and <= 35 }, "settings.locale", "A locale such as en or ar-AE is required.")
                .Check(settings.SecondFactor is null or "none" or TenantSettings.SmsSecondFactor, "settings.secondFactor", "One of none or sms.");

            // Settings sent without secondFactor keep the one in force: clients that predate it must not switch it off.
            settings = settings.SecondFactor is null ? settings with { SecondFactor = (await grain.GetAsync()).Settings.SecondFactor } : settings;
            if (settings.AsksForSmsCode && (await grains.GetGrain<IUserGrain>(caller.TenantId, caller.UserId).GetAsync()).Mobile is null)
            {
                // Whoever turns it on must be able to sign in afterwards.
                validation.Add("settings.secondFactor", "Add your mobile number to your profile first: the sign-in code is sent there.");
            }
        }

        validation.ThrowIfInvalid();
        var tenant = await grain.UpdateAsync(new UpdateTenant(request.Name?.Trim(), settings), Versioning.IfMatch(context.Request));
        Versioning.SetETag(context.Response, tenant.Version);
        return TypedResults.Ok(tenant);
    }
}
