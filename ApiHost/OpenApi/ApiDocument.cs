using System.Text.Json.Nodes;
using M3CoreCRM.ApiHost.Conventions;
using M3CoreCRM.ApiHost.Identity;
using Microsoft.OpenApi;

namespace M3CoreCRM.ApiHost.OpenApi;

/// <summary>
/// The document-wide parts: info, servers, tag descriptions, and the shared components that operations refer to
/// (the bearer scheme, the stream ticket, the contract's headers, the problem+json schema and answers).
/// </summary>
public static class ApiDocument
{
    public const string Bearer = "bearer";
    public const string StreamTicket = "streamTicket";
    public const string TenantParameter = "TenantId";
    public const string IdempotencyParameter = "IdempotencyKey";
    public const string IfMatchParameter = "IfMatch";
    public const string ETagHeader = "ETag";
    public const string LocationHeader = "Location";
    public const string RetryAfterHeader = "RetryAfter";
    public const string ProblemSchema = "Problem";
    public const string ProblemMediaType = "application/problem+json";

    private const string Description = """
        The M3CoreCRM HTTP API (contract v1). JSON is camelCase UTF-8; enums are lower_snake strings;
        ids are UUIDv7 strings; times are ISO 8601 UTC with `Z`. Errors are RFC 9457 problem+json with
        `type`, `title`, `status`, `detail`, a stable `code` and a `traceId`; validation errors add `errors`.
        Unknown request fields are ignored; a field of the wrong type is a 400 `validation_failed`.
        A PATCH changes the fields it sends; one left out keeps its value, and a required field sent as null is a
        400 `validation_failed` naming it.
        Storage outages answer 503 `unavailable` with `Retry-After` and change nothing.

        **Calling it.** Sign up (`POST /api/v1/tenants`) or log in (`POST /api/v1/auth/login` with `X-Tenant-Id`)
        for an access token (15 minutes; `POST /api/v1/auth/refresh` gives a new pair). Every other call sends
        `Authorization: Bearer <accessToken>` and `X-Tenant-Id` (the workspace's id or slug; it must name the
        token's tenant). In `/docs`, paste the access token under Authentication and fill in `X-Tenant-Id`.

        **Retries and concurrency.** POSTs that create or act take `Idempotency-Key` (1 to 128 characters): the same
        key with the same body within 24 hours answers the first success again and does nothing twice. Reads of one
        record answer `ETag: "<version>"`; PATCH, PUT and DELETE honour `If-Match` (a stale one is 412
        `version_mismatch`; without it a PATCH merges into the latest version).

        **Limits.** 429 `rate_limited` with `Retry-After` past a rate limit (per tenant and per user; sign-up,
        login, refresh and invitations per client address, logins also per account). Request bodies over 1 MiB
        are 413 `payload_too_large` (CSV import: 20 MiB).
        """;

    private static readonly Dictionary<string, string> TagDescriptions = new(StringComparer.Ordinal)
    {
        ["Tenants"] = "Sign-up of a workspace (tenant) with its owner, and the caller's tenant: name, settings, plan.",
        ["Auth"] = "Login, token refresh and logout, invitation acceptance, email and mobile verification.",
        ["Me"] = "The caller's own profile and password.",
        ["Users"] = "The tenant's people: invitations, roles and groups, disabling.",
        ["Roles"] = "Roles and their grants (permission and scope: own, group or all), and the permission catalog.",
        ["Groups"] = "Teams: members and manager; used for group scope, round-robin assignment and approval routing.",
        ["Audit"] = "The audit log: every write, login, failed login, permission denial and approval decision.",
        ["Inventory"] = "Projects, unit and component type codes, units and their hold / reserve / sell / release lifecycle, the availability board and the map.",
        ["Leads"] = "Leads, their statuses and sources, assignment, conversion, calls, CSV import and export.",
        ["Telemarketing"] = "Call queues that hand each agent the next lead to call, locked to them, and click-to-call through the tenant's VOIP provider.",
        ["Contacts"] = "People the tenant deals with.",
        ["Companies"] = "Organisations, and the contacts that belong to them.",
        ["Deals"] = "Pipelines and their stages, and deals moving through them: win, lose, discount.",
        ["Activities"] = "Calls, meetings, notes and messages logged on records, and each record's timeline.",
        ["Tasks"] = "To-dos with a due time and an assignee; overdue tasks notify.",
        ["Stream"] = "Live updates as server-sent events, and the single-use tickets browsers open them with.",
        ["Notifications"] = "The in-app notification centre and the tenant's notification rules.",
        ["Integrations"] = "Email (SMTP), Infobip SMS and WhatsApp, and VOIP (Twilio) settings with write-only secrets, test messages, the delivery outbox, and the Infobip and VOIP webhooks.",
        ["Approvals"] = "Approval policies that gate actions, and the approval requests they raise.",
        ["Dashboards"] = "The widget catalog and each user's dashboard layout.",
        ["Reports"] = "Pipeline, funnel, agents, inventory and activity reports as JSON, CSV or PDF.",
        ["Billing"] = "The plan (free, pro, enterprise), its status, limits and usage; Stripe Checkout and Billing Portal sessions; the tenant's Stripe settings; Stripe's signed webhook.",
    };

    public static void Describe(OpenApiDocument document)
    {
        document.Info.Title = "M3CoreCRM API";
        document.Info.Version = "v1";
        document.Info.Description = Description;

        // The server is where the document was fetched from; a trailing slash would double the paths' own.
        foreach (var server in document.Servers ?? [])
        {
            if (server.Url is { Length: > 1 } url && url.EndsWith('/'))
            {
                server.Url = url.TrimEnd('/');
            }
        }

        foreach (var tag in document.Tags ?? new HashSet<OpenApiTag>())
        {
            if (tag.Name is { } name && TagDescriptions.TryGetValue(name, out var description))
            {
                tag.Description = description;
            }
        }

        DropNullFromSharedEnums(document);
        AddComponents(document);
    }

    /// <summary>
    /// An enum first met as a nullable member gets <c>null</c> among its values, although every nullable use of it
    /// already says <c>oneOf: [null, $ref]</c>; null then matches both branches, which oneOf forbids (a null
    /// <c>lastDisposition</c> would not validate). The shared enum lists only its words.
    /// </summary>
    private static void DropNullFromSharedEnums(OpenApiDocument document)
    {
        foreach (var schema in document.Components?.Schemas?.Values.OfType<OpenApiSchema>() ?? [])
        {
            if (schema.Enum is { Count: > 0 } values && values.Any(value => value is null))
            {
                schema.Enum = values.Where(value => value is not null).ToList();
            }
        }
    }

    private static void AddComponents(OpenApiDocument document)
    {
        document.AddComponent(Bearer, new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT",
            Description = "The `accessToken` of sign-up, login or refresh (15 minutes).",
        });
        document.AddComponent(StreamTicket, new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Query,
            Name = "ticket",
            Description = "For `GET /api/v1/stream` only, where a browser's EventSource cannot send headers: a ticket from `POST /api/v1/stream/ticket` (single use, 60 seconds). It names the tenant, so `X-Tenant-Id` may be left out.",
        });

        document.AddComponent(TenantParameter, new OpenApiParameter
        {
            Name = TenancyMiddleware.TenantHeader,
            In = ParameterLocation.Header,
            Required = true,
            Description = "The workspace (tenant) the call is for: its id or slug. Missing: 400 `tenant_required`; not the access token's tenant: 403 `tenant_mismatch`.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 1 },
            Example = JsonValue.Create("acme-realty"),
        });
        document.AddComponent(IdempotencyParameter, new OpenApiParameter
        {
            Name = IdempotencyMiddleware.Header,
            In = ParameterLocation.Header,
            Description = "Makes a retry safe: the same key with the same body within 24 hours answers the first success again (same status, headers and body) and does nothing twice. The same key with another body: 409 `idempotency_key_reused`; while the first is still running: 409 `request_in_progress`.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 1, MaxLength = 128 },
            Example = JsonValue.Create("0b7f3c1e-6d0a-4f52-9a57-2f1c9d1e8a41"),
        });
        document.AddComponent(IfMatchParameter, new OpenApiParameter
        {
            Name = "If-Match",
            In = ParameterLocation.Header,
            Description = "The `ETag` of the version the change is based on (`\"3\"`, or `*` for any). A stale one: 412 `version_mismatch`, nothing changed.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String },
            Example = JsonValue.Create("\"3\""),
        });

        document.AddComponent(ETagHeader, new OpenApiHeader
        {
            Description = "The record's version, quoted (`\"3\"`); send it back as `If-Match`.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String },
        });
        document.AddComponent(LocationHeader, new OpenApiHeader
        {
            Description = "Where the created record (or, for 202, the approval request) can be read.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "uri-reference" },
        });
        document.AddComponent(RetryAfterHeader, new OpenApiHeader
        {
            Description = "Seconds to wait before trying again.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Minimum = "0" },
        });

        document.AddComponent(ProblemSchema, new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Description = "RFC 9457 problem details with the contract's stable `code`.",
            Required = new HashSet<string> { "type", "title", "status", "detail", "code", "traceId" },
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["type"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "`urn:m3crm:problem:<code>`.", Examples = [JsonValue.Create("urn:m3crm:problem:validation_failed")] },
                ["title"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "The status's reason phrase.", Examples = [JsonValue.Create("Bad Request")] },
                ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Examples = [JsonValue.Create(400)] },
                ["detail"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "What went wrong, for people.", Examples = [JsonValue.Create("The request has invalid fields.")] },
                ["code"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "A stable machine word: what went wrong, for programs (each operation lists the codes it answers).", Examples = [JsonValue.Create("validation_failed")] },
                ["traceId"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "Quote it when reporting a problem; the server's log has the same id.", Examples = [JsonValue.Create("4bf92f3577b34da6a3ce929d0e0e4736")] },
                ["errors"] = new OpenApiSchema
                {
                    Type = JsonSchemaType.Object,
                    Description = "For `validation_failed`: the messages of each field that is wrong.",
                    AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String } },
                    Examples = [new JsonObject { ["email"] = new JsonArray("Email is not a valid address.") }],
                },
                ["existingId"] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "uuid", Description = "For `duplicate_lead`: the open lead that has the phone or email." },
            },
        });

        foreach (var (name, status, codes) in SharedProblems)
        {
            document.AddComponent(name, Problem(document, status, codes));
        }
    }

    /// <summary>The problem answers many operations share, by component name, with the codes they carry.</summary>
    internal static readonly (string Name, int Status, string Codes)[] SharedProblems =
    [
        ("Unauthenticated", 401, "`unauthenticated` (no valid access token, or the session has ended: log in again), `token_expired` (refresh the token)."),
        ("Forbidden", 403, "`forbidden` (the caller's roles do not grant what this needs), `tenant_mismatch` (`X-Tenant-Id` is not the token's tenant)."),
        ("NotFound", 404, "`not_found`: no such record in this tenant, or one outside the caller's scope (they read the same)."),
        ("VersionMismatch", 412, "`version_mismatch`: `If-Match` names a version that is no longer the current one; read the record again."),
        ("PayloadTooLarge", 413, "`payload_too_large`: the request body is larger than this endpoint accepts."),
        ("UnsupportedMediaType", 415, "`unsupported_media_type`: the body's `Content-Type` is not one this operation reads (see its request body), or its JSON is not UTF-8."),
        ("RateLimited", 429, "`rate_limited`: too many requests; wait `Retry-After` seconds."),
        ("Unavailable", 503, "`unavailable`: storage or the cluster is not reachable at the moment; nothing was changed. Retry after `Retry-After` seconds."),
    ];

    /// <summary>A problem+json answer of <paramref name="status"/>, described by the codes it can carry.</summary>
    internal static OpenApiResponse Problem(OpenApiDocument? document, int status, string codes)
    {
        var response = new OpenApiResponse
        {
            Description = codes,
            Content = new Dictionary<string, OpenApiMediaType>
            {
                [ProblemMediaType] = new() { Schema = new OpenApiSchemaReference(ProblemSchema, document) },
            },
        };
        if (status is 429 or 503)
        {
            response.Headers = new Dictionary<string, IOpenApiHeader> { ["Retry-After"] = new OpenApiHeaderReference(RetryAfterHeader, document) };
        }

        return response;
    }
}
