
namespace M3CoreCRM.Grains.Abstractions.Identity;

[GenerateSerializer, Immutable, Alias("crm.RoleInfo")]
public sealed record RoleInfo([property: Id(0)] Guid Id, [property: Id(1)] string Name, [property: Id(2)] string? BuiltIn, [property: Id(3)] IReadOnlyList<PermissionGrant> Grants, [property: Id(4)] long Version);

[GenerateSerializer, Immutable, Alias("crm.SaveRole")]
public sealed record SaveRole([property: Id(0)] string Name, [property: Id(1)] IReadOnlyList<PermissionGrant> Grants);

/// <summary>A role: a named set of grants. Key: the role id.</summary>
[Alias("crm.IRoleGrain")]
public interface IRoleGrain : IGrainWithGuidCompoundKey
{
    /// <summary>Creates the role; <paramref name="builtIn"/> names a built-in role, which cannot be deleted. A name in use is 409 <c>name_taken</c>.</summary>
    [Alias("Create")]
    Task<RoleInfo> CreateAsync(SaveRole command, string? builtIn);

    [ReadOnly, Alias("Get")]
    Task<RoleInfo> GetAsync();

    [Alias("Update")]
    Task<RoleInfo> UpdateAsync(SaveRole command, long? expectedVersion);

    /// <summary>Deletes the role; a built-in role is 409 <c>built_in_role</c>.</summary>
    [Alias("Delete")]
    Task DeleteAsync(long? expectedVersion);
}
