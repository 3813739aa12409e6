using M3CoreCRM.ApiHost.Conventions;
using M3CoreCRM.ApiHost.Errors;
using M3CoreCRM.ApiHost.Health;
using M3CoreCRM.ApiHost.OpenApi;
using M3CoreCRM.ApiHost.Reference;
using M3CoreCRM.Silo.Hosting;
using M3CoreCRM.Silo.Storage;

var builder = WebApplication.CreateBuilder(args);

builder.AddM3Postgres();
builder.AddM3Silo();
builder.AddApiConventions();
builder.Services.AddApiProblemDetails();
builder.Services.AddApiOpenApi();

var app = builder.Build();

app.UseApiProblemDetails();
app.MapHealthApi();
app.MapOpenApi("/openapi/{documentName}.json");
app.MapApiReference();
app.LogDocsAddress();

app.Run();

/// <summary>The entry point, public so the API tests can host it.</summary>
public partial class Program;
