using M3CoreCRM.Grains.Abstractions.Errors;

namespace M3CoreCRM.ApiHost.Errors;

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
