using System.Text.RegularExpressions;
using M3CoreCRM.ApiHost.Conventions;
using M3CoreCRM.ApiHost.Identity;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.OpenApi;

namespace M3CoreCRM.ApiHost.OpenApi;

/// <summary>Marks an anonymous endpoint that still reads <c>X-Tenant-Id</c> (login names the workspace with it).</summary>
public sealed class TakesTenantHeader;

/// <summary>Marks the endpoint a stream ticket (<c>?ticket=</c>) authenticates, as well as a bearer token.</summary>
public sealed class AcceptsStreamTicket;

/// <summary>
/// What every operation shares, derived from its endpoint's metadata as the middleware acts on it:
/// tenant-scoped endpoints (<see cref="EndpointPermissionExtensions.MapTenantGroup"/>) need the bearer token and
/// <c>X-Tenant-Id</c> and answer 401, 403 and 429; their POSTs take <c>Idempotency-Key</c>
/// (<see cref="IdempotencyMiddleware"/>) and their PATCH, PUT and DELETE take <c>If-Match</c> (<see cref="Versioning"/>);
/// a route with a path parameter (or whose description names a 404) answers 404, one with a body 413 and 415; each
/// one may answer 400 and 503. Codes that a route's description names with their status ("409 duplicate_lead") are
/// listed under that status too.
/// </summary>
public static partial class OperationConventions
{
    public static void Apply(OpenApiOperation operation, OpenApiOperationTransformerContext context)
    {
        var document = context.Document;
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        var method = context.Description.HttpMethod?.ToUpperInvariant() ?? "GET";
        var tenantScoped = metadata.OfType<TenantScopedEndpoint>().Any();
        var acceptsTicket = metadata.OfType<AcceptsStreamTicket>().Any();
        var readsTenantHeader = tenantScoped || metadata.OfType<TakesTenantHeader>().Any();
        var rateLimitedPerAddress = metadata.OfType<EnableRateLimitingAttribute>().Any();
        var hasPathParameters = context.Description.ParameterDescriptions.Any(parameter => parameter.Source == BindingSource.Path);
        var hasBody = operation.RequestBody is not null;
        var isWrite = method is "PATCH" or "PUT" or "DELETE";
        var idempotent = tenantScoped && method == "POST" && !metadata.OfType<NoIdempotencyReplay>().Any();
        var described = DescribedCodes(operation.Description);

        operation.Parameters ??= [];
        foreach (var parameter in operation.Parameters.OfType<OpenApiParameter>().Where(parameter => parameter.In == ParameterLocation.Query))
        {
            // [AsParameters] records name their query values by property (Q, OwnerId); binding ignores case, and the
            // contract's names are camelCase (q, ownerId), which is what clients generated from this document send.
            parameter.Name = System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(parameter.Name!);
        }

        if (acceptsTicket)
        {
            // With a ticket the header may be left out: the ticket names its tenant.
            operation.Parameters.Insert(0, new OpenApiParameter
            {
                Name = TenancyMiddleware.TenantHeader,
                In = ParameterLocation.Header,
                Required = false,
                Description = "The workspace (tenant): its id or slug. Required with a bearer token; with `?ticket=` it may be left out.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 1 },
            });
        }
        else if (readsTenantHeader)
        {
            operation.Parameters.Insert(0, new OpenApiParameterReference(ApiDocument.TenantParameter, document));
        }

        if (idempotent)
        {
            operation.Parameters.Add(new OpenApiParameterReference(ApiDocument.IdempotencyParameter, document));
        }

        if (tenantScoped && isWrite)
        {
            operation.Parameters.Add(new OpenApiParameterReference(ApiDocument.IfMatchParameter, document));
        }

        operation.Security = tenantScoped
            ? [Requirement(ApiDocument.Bearer, document), .. acceptsTicket ? [Requirement(ApiDocument.StreamTicket, document)] : Array.Empty<OpenApiSecurityRequirement>()]
            : [];

        operation.Responses ??= [];
        DescribeSuccesses(operation, document);

        var badRequest = new List<string>();
        if (hasBody || hasPathParameters || operation.Parameters.Any(parameter => parameter.In == ParameterLocation.Query) || idempotent || isWrite)
        {
            badRequest.Add("`validation_failed` (a field, query value or header is not valid; `errors` names each field)");
        }

        if (readsTenantHeader)
        {
            badRequest.Add("`tenant_required` (no `X-Tenant-Id`)");
        }

        badRequest.AddRange(described.GetValueOrDefault(400, []).Where(code => code != "validation_failed").Select(code => $"`{code}`"));
        if (badRequest.Count > 0)
        {
            operation.Responses["400"] = ApiDocument.Problem(document, 400, string.Join("; ", badRequest) + ".");
        }

        if (tenantScoped)
        {
            operation.Responses["401"] = new OpenApiResponseReference("Unauthenticated", document);
            operation.Responses["403"] = new OpenApiResponseReference("Forbidden", document);
        }
        else if (described.TryGetValue(401, out var unauthenticated))
        {
            operation.Responses["401"] = ApiDocument.Problem(document, 401, string.Join(", ", unauthenticated.Select(code => $"`{code}`")) + ".");
        }

        if (hasPathParameters || described.ContainsKey(404))
        {
            operation.Responses["404"] = new OpenApiResponseReference("NotFound", document);
        }

        var conflicts = described.GetValueOrDefault(409, []).Select(code => $"`{code}`").ToList();
        if (tenantScoped && method != "GET")
        {
            conflicts.Add("`conflict` (another request changed the record at the same moment; retry)");
        }

        if (idempotent)
        {
            conflicts.Add("`idempotency_key_reused` (the key came with another body)");
            conflicts.Add("`request_in_progress` (the first request with the key is still running; see `Retry-After`)");
        }

        if (conflicts.Count > 0)
        {
            var conflict = ApiDocument.Problem(document, 409, string.Join("; ", conflicts) + ".");
            if (tenantScoped && method != "GET")
            {
                // A concurrent change (Retry-After: 0) and a key still in progress say when to retry.
                conflict.Headers = new Dictionary<string, IOpenApiHeader> { ["Retry-After"] = new OpenApiHeaderReference(ApiDocument.RetryAfterHeader, document) };
            }

            operation.Responses["409"] = conflict;
        }

        if (tenantScoped && isWrite)
        {
            operation.Responses["412"] = new OpenApiResponseReference("VersionMismatch", document);
        }

        if (hasBody)
        {
            operation.Responses["413"] = new OpenApiResponseReference("PayloadTooLarge", document);
            operation.Responses["415"] = new OpenApiResponseReference("UnsupportedMediaType", document);
        }

        if (tenantScoped || rateLimitedPerAddress || described.ContainsKey(429))
        {
            operation.Responses["429"] = new OpenApiResponseReference("RateLimited", document);
        }

        operation.Responses["503"] = new OpenApiResponseReference("Unavailable", document);
    }

    /// <summary>201 and 202 say where to look (<c>Location</c>); a 202 with an approval ticket says nothing changed yet; a record's 200 carries its <c>ETag</c>.</summary>
    private static void DescribeSuccesses(OpenApiOperation operation, OpenApiDocument? document)
    {
        foreach (var (status, response) in operation.Responses!)
        {
            if (response is not OpenApiResponse answer)
            {
                continue;
            }

            foreach (var (mediaType, content) in answer.Content ?? new Dictionary<string, OpenApiMediaType>())
            {
                // Text and files are not the JSON body's schema (a report's Produces names one type for all three).
                content.Schema = mediaType switch
                {
                    "text/csv" or "text/event-stream" => new OpenApiSchema { Type = JsonSchemaType.String },
                    "application/pdf" => new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" },
                    _ => content.Schema,
                };
            }

            var schema = answer.Content?.TryGetValue("application/json", out var json) == true ? json.Schema : null;
            switch (status)
            {
                case "201":
                    answer.Description = "Created; `Location` is the new record's address.";
                    answer.Headers ??= new Dictionary<string, IOpenApiHeader>();
                    answer.Headers["Location"] = new OpenApiHeaderReference(ApiDocument.LocationHeader, document);
                    break;
                case "202" when schema is OpenApiSchemaReference { Reference.Id: "ApprovalTicket" }:
                    answer.Description = "Pending approval: an approval policy gates this action, so nothing changed yet. The action is applied when the request at `Location` is approved (if still valid).";
                    answer.Headers ??= new Dictionary<string, IOpenApiHeader>();
                    answer.Headers["Location"] = new OpenApiHeaderReference(ApiDocument.LocationHeader, document);
                    break;
                case "200" when HasVersion(schema):
                    answer.Headers ??= new Dictionary<string, IOpenApiHeader>();
                    answer.Headers["ETag"] = new OpenApiHeaderReference(ApiDocument.ETagHeader, document);
                    break;
            }
        }
    }

    private static bool HasVersion(IOpenApiSchema? schema)
    {
        try
        {
            return schema?.Properties?.ContainsKey("version") == true;
        }
        catch (InvalidOperationException)
        {
            // A reference whose target is not registered yet.
            return false;
        }
    }

    private static OpenApiSecurityRequirement Requirement(string scheme, OpenApiDocument? document) =>
        new() { [new OpenApiSecuritySchemeReference(scheme, document)] = [] };

    /// <summary>"409 duplicate_lead", "(409 already_converted)", "400 validation_failed" in a description: codes by status.</summary>
    private static Dictionary<int, List<string>> DescribedCodes(string? description)
    {
        var codes = new Dictionary<int, List<string>>();
        foreach (Match match in StatusAndCode().Matches(description ?? ""))
        {
            var status = int.Parse(match.Groups["status"].Value, System.Globalization.CultureInfo.InvariantCulture);
            var list = codes.TryGetValue(status, out var existing) ? existing : codes[status] = [];
            if (!list.Contains(match.Groups["code"].Value))
            {
                list.Add(match.Groups["code"].Value);
            }
        }

        return codes;
    }

    [GeneratedRegex(@"\b(?<status>[45]\d\d) `?(?<code>[a-z]+(?:_[a-z]+)+|conflict|forbidden|locked|unauthenticated|unavailable)\b")]
    private static partial Regex StatusAndCode();
}
