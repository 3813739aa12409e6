using System.Runtime.CompilerServices;
using System.Security.Claims;

namespace M3CoreCRM.ApiHost.Identity;

/// <summary>
/// The ids an access token's claims carry, and the rate-limit partitions they name (<c>t:</c> tenant, <c>u:</c> user).
/// Read once per authenticated identity: a validated access token keeps its identity for its lifetime
/// (<see cref="ValidatedTokenCache"/>), and an agent's client sends the same token with every request, so searching
/// the claims, parsing them and making the keys again on each request was work for nothing.
/// </summary>
internal sealed record TokenClaims(Guid? TenantId, Guid? UserId, Guid? SecurityStamp, Guid? FamilyId)
{
    private static readonly ConditionalWeakTable<ClaimsIdentity, TokenClaims> ByIdentity = new();

    public string? TenantPartition { get; } = TenantId is { } tenant ? $"t:{tenant}" : null;

    public string? UserPartition { get; } = UserId is { } user ? $"u:{user}" : null;

    public static TokenClaims Of(ClaimsPrincipal user) => user.Identity is ClaimsIdentity { IsAuthenticated: true } identity
        ? ByIdentity.GetValue(identity, Read)
        : Read(user.Identity as ClaimsIdentity);

    private static TokenClaims Read(ClaimsIdentity? identity) => new(
        IdOf(identity, M3Claims.TenantId), IdOf(identity, M3Claims.UserId), IdOf(identity, M3Claims.SecurityStamp), IdOf(identity, M3Claims.FamilyId));

    private static Guid? IdOf(ClaimsIdentity? identity, string type) => Guid.TryParse(identity?.FindFirst(type)?.Value, out var id) ? id : null;
}
