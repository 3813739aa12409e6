using System.Text.Json.Nodes;
using Microsoft.OpenApi;

namespace M3CoreCRM.ApiHost.OpenApi;

/// <summary>
/// Request and response examples of the main routes, shown by <c>/docs</c> and checked against their schemas by
/// Redocly (<c>no-invalid-media-type-examples</c>). Attached next to each route with <see cref="WithExamples{TBuilder}"/>.
/// </summary>
public static class Examples
{
    private const string TenantId = "0193a0c4-5b1e-7c3a-9f10-2d4e6a8b0c11";
    private const string OwnerId = "0193a0c4-5b2f-7d01-8e22-3a5b7c9d1e22";
    private const string LeadId = "0193a0c5-0a10-7b44-a3c5-4f6a8b0c2d33";
    private const string DealId = "0193a0c6-1c20-7e55-b4d6-5a7b9c1d3e44";
    private const string ApprovalId = "0193a0c7-2d30-7f66-85e7-6b8c0d2e4f55";

    public static JsonNode SignUpRequest => new JsonObject
    {
        ["name"] = "Acme Realty",
        ["slug"] = "acme-realty",
        ["owner"] = new JsonObject { ["name"] = "Olivia Owner", ["email"] = "olivia@acme-realty.example", ["password"] = "correct horse battery staple" },
    };

    public static JsonNode LoginRequest => new JsonObject { ["email"] = "olivia@acme-realty.example", ["password"] = "correct horse battery staple" };

    public static JsonNode TokenPair => new JsonObject
    {
        ["accessToken"] = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ0aWQiOiIwMTkzYTBjNCJ9.c2lnbmF0dXJl",
        ["refreshToken"] = "rt_0193a0c4.6b1d2f0e9a8c4b7d",
        ["expiresIn"] = 900,
        ["user"] = new JsonObject
        {
            ["id"] = OwnerId,
            ["name"] = "Olivia Owner",
            ["email"] = "olivia@acme-realty.example",
            ["mobile"] = null,
            ["roleIds"] = new JsonArray("0193a0c4-5b20-7a10-9b00-1a2b3c4d5e66"),
            ["groupIds"] = new JsonArray(),
            ["status"] = "active",
            ["emailVerified"] = false,
            ["mobileVerified"] = false,
            ["createdAt"] = "2026-12-01T09:30:00Z",
            ["version"] = 1,
        },
    };

    public static JsonNode CreateLeadRequest => new JsonObject
    {
        ["name"] = "Sam Buyer",
        ["phone"] = "+971501234567",
        ["email"] = "sam@example.com",
        ["source"] = "website",
        ["budget"] = new JsonObject { ["amount"] = 850000.00m, ["currency"] = "AED" },
        ["tags"] = new JsonArray("2br", "sea-view"),
    };

    public static JsonNode Lead => new JsonObject
    {
        ["id"] = LeadId,
        ["name"] = "Sam Buyer",
        ["phone"] = "+971501234567",
        ["email"] = "sam@example.com",
        ["source"] = "website",
        ["status"] = "new",
        ["statusCategory"] = "open",
        ["ownerId"] = OwnerId,
        ["groupId"] = null,
        ["budget"] = new JsonObject { ["amount"] = 850000.00m, ["currency"] = "AED" },
        ["interest"] = null,
        ["tags"] = new JsonArray("2br", "sea-view"),
        ["notes"] = null,
        ["allowDuplicate"] = false,
        ["calls"] = new JsonObject
        {
            ["attempts"] = 0,
            ["lastDisposition"] = null,
            ["lastCalledAt"] = null,
            ["nextCallAt"] = null,
            ["done"] = false,
            ["lockedBy"] = null,
            ["lockedUntil"] = null,
            ["lockedByQueue"] = null,
            ["lastQueueId"] = null,
        },
        ["createdAt"] = "2026-12-02T08:15:00Z",
        ["updatedAt"] = "2026-12-02T08:15:00Z",
        ["version"] = 1,
    };

    public static JsonNode DuplicateLead => Problem(409, "duplicate_lead", "An open lead already has this phone or email.", new JsonObject { ["existingId"] = LeadId });

    public static JsonNode HoldRequest => new JsonObject { ["dealId"] = DealId, ["holdMinutes"] = 60 };

    public static JsonNode UnitUnavailable => Problem(409, "unit_unavailable", "The unit is on hold for another deal.");

    public static JsonNode DealRequest => new JsonObject { ["dealId"] = DealId };

    public static JsonNode PendingApproval => new JsonObject { ["approvalId"] = ApprovalId, ["status"] = "pending" };

    private static JsonObject Problem(int status, string code, string detail, JsonObject? extensions = null)
    {
        var problem = new JsonObject
        {
            ["type"] = $"urn:m3crm:problem:{code}",
            ["title"] = Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status),
            ["status"] = status,
            ["detail"] = detail,
            ["code"] = code,
            ["traceId"] = "4bf92f3577b34da6a3ce929d0e0e4736",
        };
        foreach (var (name, value) in extensions ?? [])
        {
            problem[name] = value?.DeepClone();
        }

        return problem;
    }

    /// <summary>
    /// Sets the example of the JSON request body and of the named answers (<c>(201, example)</c>; a 4xx example goes
    /// to its problem+json content). The answers must be ones the operation documents.
    /// </summary>
    public static TBuilder WithExamples<TBuilder>(this TBuilder builder, JsonNode? request, params (int Status, JsonNode Example)[] responses)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            if (request is not null && operation.RequestBody?.Content?.TryGetValue("application/json", out var body) == true)
            {
                body.Example = request;
            }

            foreach (var (status, example) in responses)
            {
                var key = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
                if (operation.Responses?.TryGetValue(key, out var response) != true || response!.Content is null)
                {
                    throw new InvalidOperationException($"{operation.OperationId} documents no {key} answer for its example.");
                }

                var mediaType = status >= 400 ? ApiDocument.ProblemMediaType : "application/json";
                if (response.Content.TryGetValue(mediaType, out var content))
                {
                    content.Example = example;
                }
            }

            return Task.CompletedTask;
        });
}
