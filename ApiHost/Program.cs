using M3CoreCRM.ApiHost.Approvals;
using M3CoreCRM.ApiHost.Activities;
using M3CoreCRM.ApiHost.Audit;
using M3CoreCRM.ApiHost.Auth;
using M3CoreCRM.ApiHost.Contacts;
using M3CoreCRM.ApiHost.Conventions;
using M3CoreCRM.ApiHost.Deals;
using M3CoreCRM.ApiHost.Errors;
using M3CoreCRM.ApiHost.Groups;
using M3CoreCRM.ApiHost.Identity;
using M3CoreCRM.ApiHost.Inventory;
using M3CoreCRM.ApiHost.Leads;
using M3CoreCRM.ApiHost.Me;
using M3CoreCRM.ApiHost.Notifications;
using M3CoreCRM.ApiHost.OpenApi;
using M3CoreCRM.ApiHost.Reference;
using M3CoreCRM.ApiHost.Roles;
using M3CoreCRM.ApiHost.Stream;
using M3CoreCRM.ApiHost.Tasks;
using M3CoreCRM.ApiHost.Telemarketing;
using M3CoreCRM.ApiHost.Tenants;
using M3CoreCRM.ApiHost.Users;
using M3CoreCRM.Grains.Notifications;
using M3CoreCRM.Silo.Hosting;
using M3CoreCRM.Silo.Storage;
using Microsoft.Extensions.DependencyInjection.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddM3Postgres();
builder.AddM3Grains();
builder.AddApiConventions();
builder.AddApiIdentity();
builder.AddApiRateLimits();
builder.AddApiStream();
builder.Services.AddApiProblemDetails();
builder.Services.AddApiOpenApi();
builder.Services.TryAddSingleton<DevelopmentOutbox>();
builder.Services.TryAddSingleton<INotificationOutbox>(services => services.GetRequiredService<DevelopmentOutbox>());
builder.Services.AddSingleton<Sessions>();
builder.Services.AddSingleton<UserQueries>();
builder.Services.AddSingleton<RoleGuard>();
builder.Services.AddSingleton<InventoryQueries>();
builder.Services.AddSingleton<LeadQueries>();
builder.Services.AddSingleton<RecordQueries>();
builder.Services.AddSingleton<SubjectCheck>();
builder.Services.AddHostedService<IdempotencyKeyCleanup>();

var app = builder.Build();

app.UseApiProblemDetails();
app.UseApiIdentity();

app.MapHealthApi();
app.MapOpenApi("/openapi/{documentName}.json");
app.MapApiReference();
app.MapTenantsApi();
app.MapAuthApi();
app.MapMeApi();
app.MapUsersApi();
app.MapRolesApi();
app.MapGroupsApi();
app.MapPermissionsApi();
app.MapAuditLogsApi();
app.MapProjectsApi();
app.MapUnitTypesApi();
app.MapComponentTypesApi();
app.MapUnitsApi();
app.MapMapApi();
app.MapLeadCatalogApi();
app.MapLeadsCsvApi();
app.MapLeadsApi();
app.MapCallQueuesApi();
app.MapContactsApi();
app.MapDealsApi();
app.MapActivitiesApi();
app.MapTasksApi();
app.MapTimelineApi();
app.MapStreamApi();
app.MapNotificationsApi();
app.MapNotificationRulesApi();
app.MapApprovalPoliciesApi();
app.MapApprovalsApi();
app.LogDocsAddress();

app.Run();

/// <summary>The entry point, public so the API tests can host it.</summary>
public partial class Program;
