using System.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace M3CoreCRM.ApiHost.Errors;

/// <summary>RFC 9457 problem+json for every error, with the contract's <c>code</c> and <c>traceId</c>.</summary>
public static class ProblemDetailsSetup
{
    public static IServiceCollection AddApiProblemDetails(this IServiceCollection services)
    {
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            var problem = context.ProblemDetails;
            var status = problem.Status ?? context.HttpContext.Response.StatusCode;
            if (!problem.Extensions.TryGetValue("code", out var code) || code is not string)
            {
                code = ProblemCodes.ForStatus(status);
                problem.Extensions["code"] = code;
            }

            problem.Type = $"urn:m3crm:problem:{code}";
            problem.Title ??= ReasonPhrase(status);
            problem.Detail ??= problem.Title;
            problem.Extensions.Remove("requestId");
            problem.Extensions["traceId"] = Activity.Current?.TraceId.ToString() ?? context.HttpContext.TraceIdentifier;
        });
        services.AddExceptionHandler<ApiExceptionHandler>();
        return services;
    }

    /// <summary>Exceptions and empty error responses (unknown routes, wrong methods) both come out as problem+json.</summary>
    public static WebApplication UseApiProblemDetails(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        return app;
    }

    /// <summary>A problem result with the contract's code, for handlers.</summary>
    public static ProblemHttpResult Problem(int status, string code, string detail, IDictionary<string, object?>? extensions = null)
    {
        var all = new Dictionary<string, object?>(extensions ?? new Dictionary<string, object?>()) { ["code"] = code };
        return TypedResults.Problem(detail: detail, statusCode: status, title: ReasonPhrase(status), extensions: all);
    }

    internal static string ReasonPhrase(int status) =>
        Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status) is { Length: > 0 } phrase ? phrase : "Error";

    internal static ProblemDetails Create(int status, string code, string detail) => new()
    {
        Status = status,
        Title = ReasonPhrase(status),
        Detail = detail,
        Extensions = { ["code"] = code },
    };
}
