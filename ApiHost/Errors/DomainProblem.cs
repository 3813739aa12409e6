using M3CoreCRM.Grains.Abstractions.Errors;

namespace M3CoreCRM.ApiHost.Errors;

/// <summary>
/// Answers a domain refusal (409 unit_unavailable, 404, 400 ...) where the handler raised it, instead of letting
/// the exception unwind through every middleware to the exception handler: on a hot unit most answers are such
/// refusals, and each rethrow through an async frame costs a stack capture. The body is the same problem+json
/// as <see cref="ApiExceptionHandler"/> writes.
/// </summary>
internal sealed class DomainProblemFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (DomainException exception)
        {
            return new DomainProblem(exception);
        }
    }
}

/// <summary>A domain refusal as a result: the problem+json that <see cref="ApiExceptionHandler"/> writes for it.</summary>
public sealed class DomainProblem(DomainException exception) : IResult
{
    public DomainProblem(Refusal refusal)
        : this(refusal.ToException())
    {
    }

    public Task ExecuteAsync(HttpContext httpContext) =>
        ApiExceptionHandler.WriteDomainProblemAsync(httpContext, httpContext.RequestServices.GetRequiredService<IProblemDetailsService>(), exception).AsTask();
}

public static class DomainProblemFilterExtensions
{
    /// <summary>Domain refusals of these endpoints are answered by the endpoint itself (see <see cref="DomainProblemFilter"/>).</summary>
    public static TBuilder AnswersDomainRefusals<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter<TBuilder, DomainProblemFilter>();
}
