using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using M3CoreCRM.Silo.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace M3CoreCRM.Silo.Hosting;

/// <summary>
/// <c>/health/live</c>: the process answers. <c>/health/ready</c>: every check tagged
/// <c>ready</c> passes (storage reachable, migrations applied). Check names and statuses
/// only: no exception text ever leaves the process.
/// </summary>
public static class HealthApi
{
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthChecks("/health/live", new HealthCheckOptions
        {
            Predicate = _ => false,
            ResponseWriter = WriteAsync,
        }).WithTags("Health").ExcludeFromDescription();
        endpoints.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(StorageHealthCheck.ReadyTag),
            ResponseWriter = WriteAsync,
        }).WithTags("Health").ExcludeFromDescription();
        return endpoints;
    }

    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        var body = new
        {
            status = Word(report.Status),
            checks = report.Entries.ToDictionary(e => e.Key, e => Word(e.Value.Status)),
        };
        return JsonSerializer.SerializeAsync(context.Response.Body, body, cancellationToken: context.RequestAborted);
    }

    private static string Word(HealthStatus status) => status switch
    {
        HealthStatus.Healthy => "healthy",
        HealthStatus.Degraded => "degraded",
        _ => "unhealthy",
    };
}
