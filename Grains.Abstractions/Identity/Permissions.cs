using System.Collections.Frozen;

namespace M3CoreCRM.Grains.Abstractions.Identity;

/// <summary>How far a grant reaches: records the caller owns, records of the caller's groups, or the whole tenant.</summary>
[GenerateSerializer, Alias("crm.PermissionScope")]
public enum PermissionScope
{
    Own = 1,
    Group = 2,
    All = 3,
}

/// <summary>A role's grant of one permission at a scope.</summary>
[GenerateSerializer, Immutable, Alias("crm.PermissionGrant")]
public sealed record PermissionGrant([property: Id(0)] string Permission, [property: Id(1)] PermissionScope Scope);

/// <summary>The permission catalog of the contract (<c>resource.action</c>).</summary>
public static class Permissions
{
    public const string LeadsRead = "leads.read";
    public const string LeadsWrite = "leads.write";
    public const string LeadsAssign = "leads.assign";
    public const string LeadsImport = "leads.import";
    public const string LeadsExport = "leads.export";
    public const string ContactsRead = "contacts.read";
    public const string ContactsWrite = "contacts.write";
    public const string CompaniesRead = "companies.read";
    public const string CompaniesWrite = "companies.write";
    public const string DealsRead = "deals.read";
    public const string DealsWrite = "deals.write";
    public const string ActivitiesRead = "activities.read";
    public const string ActivitiesWrite = "activities.write";
    public const string TasksRead = "tasks.read";
    public const string TasksWrite = "tasks.write";
    public const string InventoryRead = "inventory.read";
    public const string InventoryWrite = "inventory.write";
    public const string UnitsHold = "units.hold";
    public const string UnitsReserve = "units.reserve";
    public const string UnitsSell = "units.sell";
    public const string UnitsRelease = "units.release";
    public const string ApprovalsDecide = "approvals.decide";
    public const string ApprovalsManage = "approvals.manage";
    public const string UsersManage = "users.manage";
    public const string RolesManage = "roles.manage";
    public const string ReportsRead = "reports.read";
    public const string AuditRead = "audit.read";
    public const string SettingsManage = "settings.manage";
    public const string BillingManage = "billing.manage";
    public const string IntegrationsManage = "integrations.manage";

    /// <summary>Every permission, with what it allows.</summary>
    public static IReadOnlyList<(string Name, string Description)> Catalog { get; } =
    [
        (LeadsRead, "See leads."),
        (LeadsWrite, "Create, change and delete leads."),
        (LeadsAssign, "Assign leads to users and groups."),
        (LeadsImport, "Import leads from CSV."),
        (LeadsExport, "Export leads to CSV."),
        (ContactsRead, "See contacts."),
        (ContactsWrite, "Create, change and delete contacts."),
        (CompaniesRead, "See companies."),
        (CompaniesWrite, "Create, change and delete companies."),
        (DealsRead, "See deals."),
        (DealsWrite, "Create, change, move, win and lose deals."),
        (ActivitiesRead, "See activities."),
        (ActivitiesWrite, "Log activities."),
        (TasksRead, "See tasks."),
        (TasksWrite, "Create, change and complete tasks."),
        (InventoryRead, "See projects, type codes and units."),
        (InventoryWrite, "Create and change projects, type codes and units."),
        (UnitsHold, "Put units on hold."),
        (UnitsReserve, "Reserve units."),
        (UnitsSell, "Sell units."),
        (UnitsRelease, "Release held or reserved units."),
        (ApprovalsDecide, "Approve or reject requests."),
        (ApprovalsManage, "Manage approval policies."),
        (UsersManage, "Invite, change and disable users; manage groups."),
        (RolesManage, "Create, change and delete roles."),
        (ReportsRead, "See dashboards and reports."),
        (AuditRead, "Read the audit log."),
        (SettingsManage, "Change the tenant's settings."),
        (BillingManage, "Change the plan and billing."),
        (IntegrationsManage, "Configure integrations."),
    ];

    public static FrozenSet<string> Names { get; } = Catalog.Select(p => p.Name).ToFrozenSet(StringComparer.Ordinal);

    public static bool Exists(string permission) => Names.Contains(permission);
}
