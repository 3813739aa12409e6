using M3CoreCRM.Grains.Abstractions.Identity;
using M3CoreCRM.Grains.Events;
using M3CoreCRM.Grains.Persistence;

namespace M3CoreCRM.Grains.Identity;

public sealed class RoleState
{
    public string Name { get; set; } = "";

    public string? BuiltIn { get; set; }

    public List<PermissionGrant> Grants { get; set; } = [];

    public bool Deleted { get; set; }
}

[GrainType("role")]
public sealed class RoleGrain([PersistentState("roles", CrmStorage.Name)] IPersistentState<RoleState> state) : CrmGrain, IRoleGrain
{
    public async Task<RoleInfo> CreateAsync(SaveRole command, string? builtIn)
    {
        if (state.RecordExists)
        {
            if (state.State.BuiltIn == builtIn && state.State.Name == command.Name && !state.State.Deleted)
            {
                return Info();
            }

            throw new DomainException(DomainErrorKind.Conflict, "role_exists", "This role already exists.");
        }

        Validate(command);
        state.State = new RoleState { Name = command.Name, BuiltIn = builtIn, Grants = Normalise(command.Grants) };
        await WriteAsync("role.created", new() { ["name"] = new(null, command.Name), ["grants"] = new(null, state.State.Grants) });
        return Info();
    }

    public Task<RoleInfo> GetAsync()
    {
        EnsureExists();
        return Task.FromResult(Info());
    }

    public async Task<RoleInfo> UpdateAsync(SaveRole command, long? expectedVersion)
    {
        EnsureExists();
        Concurrency.Check(state.Version, expectedVersion);
        Validate(command);
        if (state.State.BuiltIn == BuiltInRoles.Owner)
        {
            throw new DomainException(DomainErrorKind.Conflict, "built_in_role", "The owner role cannot be changed.");
        }

        if (state.State.BuiltIn is not null && command.Name != state.State.Name)
        {
            throw new DomainException(DomainErrorKind.Conflict, "built_in_role", "A built-in role cannot be renamed.");
        }

        var grants = Normalise(command.Grants);
        var changes = new Dictionary<string, FieldChange>();
        if (command.Name != state.State.Name)
        {
            changes["name"] = new(state.State.Name, command.Name);
        }

        if (!grants.SequenceEqual(state.State.Grants))
        {
            changes["grants"] = new(state.State.Grants, grants);
        }

        if (changes.Count > 0)
        {
            state.State.Name = command.Name;
            state.State.Grants = grants;
            await WriteAsync("role.updated", changes);
        }

        return Info();
    }

    public async Task DeleteAsync(long? expectedVersion)
    {
        EnsureExists();
        Concurrency.Check(state.Version, expectedVersion);
        if (state.State.BuiltIn is not null)
        {
            throw new DomainException(DomainErrorKind.Conflict, "built_in_role", $"The built-in role '{state.State.BuiltIn}' cannot be deleted.");
        }

        state.State.Deleted = true;
        await WriteAsync("role.deleted", new() { ["deleted"] = new(false, true) });
    }

    private async Task WriteAsync(string eventType, Dictionary<string, FieldChange> changes)
    {
        try
        {
            await state.WriteStateAsync([new GrainEvent(eventType, "role", Key, new { id = Key, state.State.Name }, changes)]);
        }
        catch (UniqueConstraintException exception) when (exception.Constraint == "roles_name")
        {
            throw new DomainException(DomainErrorKind.Conflict, "name_taken", "Another role of this tenant has this name.");
        }
    }

    private static void Validate(SaveRole command)
    {
        var unknown = command.Grants.Select(g => g.Permission).Where(p => !Permissions.Exists(p)).ToArray();
        if (unknown.Length > 0)
        {
            throw DomainException.Invalid("grants", $"Unknown permissions: {string.Join(", ", unknown)}.");
        }
    }

    // One grant per permission, the widest scope wins, in catalog order.
    private static List<PermissionGrant> Normalise(IEnumerable<PermissionGrant> grants) =>
        [.. grants.GroupBy(g => g.Permission).Select(g => new PermissionGrant(g.Key, g.Max(x => x.Scope))).OrderBy(g => g.Permission, StringComparer.Ordinal)];

    private void EnsureExists()
    {
        if (!state.RecordExists || state.State.Deleted)
        {
            throw DomainException.NotFound("The role");
        }
    }

    private RoleInfo Info() => new(Key, state.State.Name, state.State.BuiltIn, state.State.Grants, state.Version);
}
