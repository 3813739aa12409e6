using M3CoreCRM.Runtime.Grains;

namespace M3CoreCRM.Grains.Abstractions.Identity;

public sealed record RoleInfo(Guid Id, string Name, string? BuiltIn, IReadOnlyList<PermissionGrant> Grants, long Version);

public sealed record SaveRole(string Name, IReadOnlyList<PermissionGrant> Grants);

/// <summary>A role: a named set of grants. Key: the role id.</summary>
public interface IRoleGrain : IGrain
{
    /// <summary>Creates the role; <paramref name="builtIn"/> names a built-in role, which cannot be deleted. A name in use is 409 <c>name_taken</c>.</summary>
    Task<RoleInfo> CreateAsync(SaveRole command, string? builtIn);

    [ReadOnly]
    Task<RoleInfo> GetAsync();

    Task<RoleInfo> UpdateAsync(SaveRole command, long? expectedVersion);

    /// <summary>Deletes the role; a built-in role is 409 <c>built_in_role</c>.</summary>
    Task DeleteAsync(long? expectedVersion);
}
