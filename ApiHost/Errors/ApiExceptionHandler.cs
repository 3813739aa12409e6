using System.Net.Sockets;
using System.Text.Json;
using M3CoreCRM.Grains.Abstractions.Errors;
using Microsoft.AspNetCore.Diagnostics;
using Npgsql;
using Orleans.Runtime;
using Orleans.Storage;

namespace M3CoreCRM.ApiHost.Errors;

/// <summary>
/// Turns every exception that escapes a handler into problem+json. Known failures get their
/// contract status and code; anything else is a 500 whose body says nothing about the cause
/// (the log has it, under the same trace id).
/// </summary>
internal sealed partial class ApiExceptionHandler(IProblemDetailsService problemDetails, ILogger<ApiExceptionHandler> logger) : IExceptionHandler
{
    private const int StorageRetryAfterSeconds = 5;

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is DomainException domain)
        {
            return await WriteDomainProblemAsync(httpContext, problemDetails, domain);
        }

        var (status, code, detail, retryAfter) = Classify(exception);
        if (status >= 500)
        {
            LogFailure(logger, exception, httpContext.Request.Method, httpContext.Request.Path);
        }

        if (retryAfter is { } seconds)
        {
            httpContext.Response.Headers.RetryAfter = seconds.ToString();
        }

        httpContext.Response.StatusCode = status;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = ProblemDetailsSetup.Create(status, code, detail),
        });
    }

    internal static async ValueTask<bool> WriteDomainProblemAsync(HttpContext httpContext, IProblemDetailsService problemDetails, DomainException exception)
    {
        var status = exception.Code == "version_mismatch" ? StatusCodes.Status412PreconditionFailed : exception.Kind switch
        {
            DomainErrorKind.Invalid => StatusCodes.Status400BadRequest,
            DomainErrorKind.Unauthenticated => StatusCodes.Status401Unauthorized,
            DomainErrorKind.Forbidden => StatusCodes.Status403Forbidden,
            DomainErrorKind.NotFound => StatusCodes.Status404NotFound,
            DomainErrorKind.TooManyRequests => StatusCodes.Status429TooManyRequests,
            _ => StatusCodes.Status409Conflict,
        };
        if (status == StatusCodes.Status429TooManyRequests)
        {
            httpContext.Response.Headers.RetryAfter = "60";
        }
        var problem = ProblemDetailsSetup.Create(status, exception.Code, exception.Message);
        if (exception.Errors is { } errors)
        {
            problem.Extensions["errors"] = errors;
        }

        foreach (var (name, value) in exception.Extensions ?? [])
        {
            problem.Extensions[name] = value;
        }

        httpContext.Response.StatusCode = status;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem });
    }

    private static (int Status, string Code, string Detail, int? RetryAfter) Classify(Exception exception) => exception switch
    {
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } =>
            (413, ProblemCodes.PayloadTooLarge, "The request body is larger than this endpoint accepts.", null),
        BadHttpRequestException bad when bad.InnerException is JsonException =>
            (400, ProblemCodes.ValidationFailed, "The request body is not valid JSON for this endpoint.", null),
        BadHttpRequestException bad =>
            (bad.StatusCode, ProblemCodes.ForStatus(bad.StatusCode), "The request could not be read.", null),
        InvalidOperationException { InnerException: ArgumentException, TargetSite.DeclaringType: var reader } when reader == typeof(HttpRequestJsonExtensions) =>
            (415, ProblemCodes.UnsupportedMediaType, "The request body's charset is not one this API reads; send JSON in UTF-8.", null),
        InconsistentStateException =>
            (409, ProblemCodes.Conflict, "The record was changed by another request at the same time; retry the request.", 0),
        StorageUnavailableException =>
            (503, ProblemCodes.Unavailable, "Storage is not reachable at the moment; nothing was changed. Retry the request.", StorageRetryAfterSeconds),
        SiloUnavailableException or OrleansMessageRejectionException or ClientNotAvailableException =>
            (503, ProblemCodes.Unavailable, "The service is moving work between servers; retry the request.", StorageRetryAfterSeconds),
        TimeoutException when exception.Source?.StartsWith("Orleans", StringComparison.Ordinal) == true || exception.Message.Contains("Response did not arrive", StringComparison.Ordinal) =>
            (503, ProblemCodes.Unavailable, "The service did not answer in time; retry the request.", StorageRetryAfterSeconds),
        OrleansException { InnerException: { } inner } when Classify(inner) is { Status: not 500 } classified =>
            classified,
        PostgresException { SqlState: [ '2', '2', ..] } =>
            (400, ProblemCodes.ValidationFailed, "A value in the request is not valid for its field.", null),
        NpgsqlException { IsTransient: true } or SocketException or TimeoutException =>
            (503, ProblemCodes.Unavailable, "Storage is not reachable at the moment; nothing was changed. Retry the request.", StorageRetryAfterSeconds),
        _ => (500, ProblemCodes.InternalError, "An unexpected error occurred. Quote the traceId when reporting it.", null),
    };

    [LoggerMessage(Level = LogLevel.Error, Message = "Request {Method} {Path} failed")]
    private static partial void LogFailure(ILogger logger, Exception exception, string method, string path);
}
