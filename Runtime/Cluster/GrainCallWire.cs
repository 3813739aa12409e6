using System.Text.Json;
using M3CoreCRM.Runtime.Activations;
using M3CoreCRM.Runtime.Errors;
using M3CoreCRM.Runtime.Grains;
using M3CoreCRM.Runtime.Persistence;

namespace M3CoreCRM.Runtime.Cluster;

/// <summary>A grain call as it travels to the owning silo: the method by interface and name, arguments as JSON.</summary>
public sealed record GrainCallRequest(
    string Interface, string Method, Guid TenantId, Guid Key, string GrainType, JsonElement[] Arguments, Guid? ActorId, string? ClientAddress);

/// <summary>
/// The answer: the result as JSON, or the failure by kind (<c>domain</c> keeps its code and
/// message, so domain errors read the same across the hop; <c>not_owner</c> sends the caller to
/// refresh its view and retry).
/// </summary>
public sealed record GrainCallResponse(JsonElement? Result, GrainCallFailure? Failure);

public sealed record GrainCallFailure(string Kind, string? Code, string? Message, DomainErrorKind? DomainKind, IReadOnlyDictionary<string, string[]>? Errors, Guid? OwnerHint);

/// <summary>Runs a call that arrived from another process against this silo's catalog.</summary>
internal sealed class GrainCallHandler(GrainTypeRegistry registry, Catalog catalog)
{
    public async Task<GrainCallResponse> HandleAsync(GrainCallRequest request)
    {
        if (!registry.TryGetDispatcher(request.Interface, request.Method, out var dispatcher))
        {
            return Fail("unknown_method", $"{request.Interface}.{request.Method} is not a grain method of this silo.");
        }

        var parameters = dispatcher.Method.GetParameters();
        if (parameters.Length != request.Arguments.Length)
        {
            return Fail("unknown_method", $"{dispatcher.Name} takes {parameters.Length} arguments.");
        }

        var arguments = new object?[parameters.Length];
        try
        {
            for (var i = 0; i < parameters.Length; i++)
            {
                arguments[i] = request.Arguments[i].Deserialize(parameters[i].ParameterType, GrainJson.Options);
            }
        }
        catch (JsonException)
        {
            return Fail("unknown_method", $"The arguments do not fit {dispatcher.Name}.");
        }

        using var context = RequestContext.Begin(request.ActorId, request.ClientAddress);
        try
        {
            var result = await dispatcher.SendBoxedAsync(catalog, new GrainId(request.GrainType, request.TenantId, request.Key), arguments);
            return new GrainCallResponse(
                dispatcher.ResultType is { } type ? JsonSerializer.SerializeToElement(result, type, GrainJson.Options) : null,
                null);
        }
        catch (DomainException exception)
        {
            return new GrainCallResponse(null, new GrainCallFailure("domain", exception.Code, exception.Message, exception.Kind, exception.Errors, null));
        }
        catch (NotOwnerException exception) when (exception.BeforeRunning)
        {
            return new GrainCallResponse(null, new GrainCallFailure("not_owner", null, null, null, null, exception.OwnerHint));
        }
        catch (NotOwnerException)
        {
            // The call ran and one of its writes was refused: it must not be sent anywhere again.
            return new GrainCallResponse(null, new GrainCallFailure("maybe_ran", null, "The tenant moved while the call ran.", null, null, null));
        }
        catch (StorageConflictException exception)
        {
            return new GrainCallResponse(null, new GrainCallFailure("conflict", null, exception.Message, null, null, null));
        }
        catch (GrainCallTimeoutException exception)
        {
            return new GrainCallResponse(null, new GrainCallFailure("timeout", null, exception.Message, null, null, null));
        }
        catch (Npgsql.PostgresException exception) when (exception.SqlState.StartsWith("22", StringComparison.Ordinal))
        {
            return new GrainCallResponse(null, new GrainCallFailure("domain", "validation_failed", "A value in the request is not valid for its field.", DomainErrorKind.Invalid, null, null));
        }
        catch (Npgsql.NpgsqlException exception) when (exception.IsTransient)
        {
            return new GrainCallResponse(null, new GrainCallFailure("maybe_ran", null, "Storage was not reachable.", null, null, null));
        }
        catch (Exception)
        {
            // The silo's log has the details; the caller learns only that it failed.
            return new GrainCallResponse(null, new GrainCallFailure("internal", null, null, null, null, null));
        }
    }

    private static GrainCallResponse Fail(string kind, string message) => new(null, new GrainCallFailure(kind, null, message, null, null, null));
}
