namespace M3CoreCRM.Grains.Abstractions.Identity;

/// <summary>The roles every tenant starts with; they can be changed but not deleted.</summary>
public static class BuiltInRoles
{
    public const string Owner = "owner";
    public const string Admin = "admin";
    public const string SalesManager = "sales_manager";
    public const string Agent = "agent";
    public const string Viewer = "viewer";

    public static IReadOnlyList<string> Names { get; } = [Owner, Admin, SalesManager, Agent, Viewer];

    /// <summary>The grants a built-in role starts with.</summary>
    public static IReadOnlyList<PermissionGrant> GrantsOf(string role) => role switch
    {
        Owner => All(_ => true),
        Admin => All(p => p != Permissions.BillingManage),
        SalesManager =>
        [
            .. Scoped(PermissionScope.Group,
                Permissions.LeadsRead, Permissions.LeadsWrite, Permissions.LeadsAssign, Permissions.LeadsImport, Permissions.LeadsExport,
                Permissions.ContactsRead, Permissions.ContactsWrite, Permissions.CompaniesRead, Permissions.CompaniesWrite,
                Permissions.DealsRead, Permissions.DealsWrite, Permissions.ActivitiesRead, Permissions.ActivitiesWrite,
                Permissions.TasksRead, Permissions.TasksWrite, Permissions.UnitsHold, Permissions.UnitsReserve, Permissions.UnitsRelease,
                Permissions.ReportsRead),
            .. Scoped(PermissionScope.All, Permissions.InventoryRead, Permissions.ApprovalsDecide),
        ],
        Agent =>
        [
            .. Scoped(PermissionScope.Own,
                Permissions.LeadsRead, Permissions.LeadsWrite, Permissions.ContactsRead, Permissions.ContactsWrite,
                Permissions.CompaniesRead, Permissions.CompaniesWrite, Permissions.DealsRead, Permissions.DealsWrite,
                Permissions.ActivitiesRead, Permissions.ActivitiesWrite, Permissions.TasksRead, Permissions.TasksWrite,
                Permissions.UnitsHold, Permissions.ReportsRead),
            .. Scoped(PermissionScope.All, Permissions.InventoryRead),
        ],
        Viewer => All(p => p.EndsWith(".read", StringComparison.Ordinal) && p != Permissions.AuditRead),
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "Not a built-in role."),
    };

    private static PermissionGrant[] All(Func<string, bool> include) =>
        [.. Permissions.Catalog.Select(p => p.Name).Where(include).Select(p => new PermissionGrant(p, PermissionScope.All))];

    private static IEnumerable<PermissionGrant> Scoped(PermissionScope scope, params string[] permissions) =>
        permissions.Select(p => new PermissionGrant(p, scope));
}
