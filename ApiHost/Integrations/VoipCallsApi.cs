using System.Globalization;
using System.Text.Json.Serialization;
using M3CoreCRM.ApiHost.Conventions;
using M3CoreCRM.ApiHost.Errors;
using M3CoreCRM.ApiHost.Identity;
using M3CoreCRM.Grains.Abstractions.Activities;
using M3CoreCRM.Grains.Abstractions.Contacts;
using M3CoreCRM.Grains.Abstractions.Errors;
using M3CoreCRM.Grains.Abstractions.Identity;
using M3CoreCRM.Grains.Abstractions.Leads;
using M3CoreCRM.Grains.Abstractions.Tenancy;
using M3CoreCRM.Grains;
using M3CoreCRM.Grains.Activities;
using M3CoreCRM.Grains.Persistence;
using M3CoreCRM.Silo.Integrations;
using Npgsql;
using NpgsqlTypes;

namespace M3CoreCRM.ApiHost.Integrations;

/// <summary>A click-to-call: the lead or the contact to call (one of them).</summary>
public sealed record ClickToCallRequest(Guid? LeadId, Guid? ContactId);

/// <summary>A call placed through the tenant's VOIP provider: its id here, its status, and the provider's id for it.</summary>
public sealed record VoipCallView(Guid CallId, string Status, string Provider, string? ProviderCallId, string SubjectType, Guid SubjectId);

/// <summary>What a VOIP webhook call changed: the call's status after it, and the call activity once the call has ended.</summary>
public sealed record VoipWebhookResult(Guid CallId, string Status, Guid? ActivityId);

/// <summary>The fields of Twilio's call and recording status callbacks that the CRM reads (Twilio sends more; all are signed).</summary>
public sealed record TwilioStatusCallback(
    [property: JsonPropertyName("CallSid")] string CallSid,
    [property: JsonPropertyName("AccountSid")] string AccountSid,
    [property: JsonPropertyName("CallStatus")] string CallStatus,
    [property: JsonPropertyName("CallDuration")] string? CallDuration,
    [property: JsonPropertyName("RecordingUrl")] string? RecordingUrl,
    [property: JsonPropertyName("RecordingStatus")] string? RecordingStatus);

/// <summary>
/// Click-to-call through the tenant's VOIP provider (<c>POST /api/v1/calls/click-to-call</c>) and the provider's
/// status callbacks (<c>POST /api/v1/webhooks/voip/{provider}</c>), which keep the <c>voip_calls</c> row and, when the
/// call ends, log it once as the call activity of the agent on the lead or contact (so it counts on the agents report).
/// </summary>
public static class VoipCallsApi
{
    /// <summary>Where the provider is told to call back; behind a proxy, the public address of the API (else the request's).</summary>
    public const string PublicBaseUrlKey = "Integrations:Voip:PublicBaseUrl";

    public static void MapVoipCallsApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapTenantGroup("/api/v1/calls", "Telemarketing").RequirePermission(Permissions.ActivitiesWrite);
        group.MapPost("/click-to-call", ClickToCallAsync).WithName("ClickToCall").WithSummary("Call a lead or contact from the agent's phone")
            .WithDescription("Give one of `leadId` and `contactId`; the caller must be able to read it (else 404 not_found). The tenant's VOIP provider rings the caller's own number " +
                "(their entry in the `voip` settings' `agents`) and, when they answer, dials the record's phone (a contact's first). Answers 202 with the call's id and status; " +
                "its progress (ringing, in_progress, completed with duration and recording) arrives on the provider's webhook, and the ended call is logged as the caller's " +
                "call activity on the record. 409 not_configured while VOIP has no settings; 400 when the caller has no agent number or the record has no phone; " +
                "502 provider_error when the provider refused the call (its message in `detail`).")
            .ProducesProblem(StatusCodes.Status502BadGateway);

        endpoints.MapPost("/api/v1/webhooks/voip/{provider}", ReceiveAsync)
            .WithName("VoipWebhook").WithTags("Integrations").WithSummary("Receive a VOIP provider's call status callbacks")
            .WithDescription(
                "No user authentication: click-to-call registers this address, with `?tenant=` (the tenant's id) and `?call=` (the call's id), as the call's status callback. " +
                "For `twilio`, the form-encoded callback must carry `X-Twilio-Signature`: the base64 HMAC-SHA1, under the tenant's auth token, of the full URL followed by " +
                "each POST field's name and value sorted by name (compared in constant time). A bad or missing signature, or a tenant without VOIP settings, is " +
                "400 invalid_signature and changes nothing. `CallStatus` ringing, in-progress, completed, busy, no-answer, failed and canceled update the call " +
                "(never back: a late ringing after completed is kept out), with `CallDuration`; a recording status callback (`RecordingStatus` completed) adds its `RecordingUrl`. A completed, busy or no-answer call is logged once " +
                "as the agent's `call` activity on the lead or contact, with its duration and the recording link if reported by then (the call keeps it either way); " +
                "replayed callbacks log nothing twice. The agent's disposition of the call (`POST /leads/{id}/calls`) goes into the same activity, in either order.")
            .Accepts<TwilioStatusCallback>("application/x-www-form-urlencoded")
            .AllowAnonymous();
    }

    private static async Task<Results<Accepted<VoipCallView>, ProblemHttpResult>> ClickToCallAsync(
        ClickToCallRequest request, Caller caller, IGrainFactory grains, IntegrationStore store, VoipProviders providers, NpgsqlDataSource db,
        IConfiguration configuration, HttpContext context, CancellationToken cancellationToken)
    {
        new Validation()
            .Check(request.LeadId is not null || request.ContactId is not null, "leadId", "Give one of leadId and contactId.")
            .Check(request.LeadId is null || request.ContactId is null, "contactId", "Give only one of leadId and contactId.")
            .ThrowIfInvalid();

        var (subjectType, subjectId, phone) = request.LeadId is { } leadId
            ? await LeadAsync(grains, caller, leadId)
            : await ContactAsync(grains, caller, request.ContactId!.Value);
        var settings = await store.VoipAsync(caller.TenantId, cancellationToken)
            ?? throw new DomainException(DomainErrorKind.Conflict, "not_configured", "The voip integration has no settings yet.");
        var provider = providers.Find(settings.Provider)
            ?? throw new DomainException(DomainErrorKind.Conflict, "not_configured", $"The voip provider {settings.Provider} is not supported.");
        new Validation()
            .Check(settings.NumberOf(caller.UserId) is not null, "agentNumber", "You have no agent number in the voip settings to be rung first.")
            .Check(!string.IsNullOrWhiteSpace(phone), subjectType == "lead" ? "leadId" : "contactId", $"The {subjectType} has no phone number.")
            .ThrowIfInvalid();
        var agentNumber = settings.NumberOf(caller.UserId)!;

        var callId = Guid.CreateVersion7();
        await using (var insert = db.ForTenant(caller.TenantId))
        {
            insert.Add("""
                INSERT INTO voip_calls (tenant_id, id, provider, agent_id, agent_number, to_number, subject_type, subject_id, status)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'starting')
                """).With(caller.TenantId).With(callId).With(provider.Name).With(caller.UserId).With(agentNumber).With(phone!).With(subjectType).With(subjectId);
            await insert.ExecuteAsync(cancellationToken);
        }

        var callback = new Uri(string.Create(CultureInfo.InvariantCulture,
            $"{PublicBase(context, configuration)}/api/v1/webhooks/voip/{provider.Name}?tenant={caller.TenantId}&call={callId}"));
        VoipCallStarted started;
        try
        {
            started = await provider.StartCallAsync(settings, new VoipCallRequest(agentNumber, phone!, callback), cancellationToken);
        }
        catch (VoipProviderException exception)
        {
            await using var failed = db.ForTenant(caller.TenantId);
            failed.Add("UPDATE voip_calls SET status = 'failed', error = $3, ended_at = clock_timestamp(), updated_at = clock_timestamp() WHERE tenant_id = $1 AND id = $2")
                .With(caller.TenantId).With(callId).With(exception.Message);
            await failed.ExecuteAsync(CancellationToken.None);
            return ProblemDetailsSetup.Problem(StatusCodes.Status502BadGateway, "provider_error", exception.Message,
                new Dictionary<string, object?> { ["callId"] = callId });
        }

        // A status callback may have come first (it names the call by our id): it wins over the provider's first answer.
        await using var update = db.ForTenant(caller.TenantId);
        update.Add("""
            UPDATE voip_calls SET provider_call_id = coalesce(provider_call_id, $3), status = CASE WHEN status = 'starting' THEN $4 ELSE status END, updated_at = clock_timestamp()
            WHERE tenant_id = $1 AND id = $2 RETURNING status
            """).With(caller.TenantId).With(callId).With(started.ProviderCallId).With(started.Status);
        var status = (string?)await update.ScalarAsync(cancellationToken) ?? started.Status;
        return TypedResults.Accepted((string?)null, new VoipCallView(callId, status, provider.Name, started.ProviderCallId, subjectType, subjectId));
    }

    private static async Task<(string Type, Guid Id, string? Phone)> LeadAsync(IGrainFactory grains, Caller caller, Guid id)
    {
        var lead = await grains.GetGrain<ILeadGrain>(caller.TenantId, id).GetAsync();
        var lockedToCaller = lead.Calls.LockedBy == caller.UserId && lead.Calls.LockedUntil > DateTime.UtcNow;
        return caller.Reaches(Permissions.LeadsRead, lead.OwnerId) || lockedToCaller ? ("lead", id, lead.Phone) : throw DomainException.NotFound("The lead");
    }

    private static async Task<(string Type, Guid Id, string? Phone)> ContactAsync(IGrainFactory grains, Caller caller, Guid id)
    {
        var contact = await grains.GetGrain<IContactGrain>(caller.TenantId, id).GetAsync();
        caller.EnsureReaches(Permissions.ContactsRead, contact.OwnerId, "The contact");
        return ("contact", id, contact.Phones.Count > 0 ? contact.Phones[0] : null);
    }

    private static async Task<Ok<VoipWebhookResult>> ReceiveAsync(
        string provider, string? tenant, string? call, HttpContext context, TenantDirectory tenants, IntegrationStore store, VoipProviders providers,
        NpgsqlDataSource db, IGrainFactory grains, IConfiguration configuration, CancellationToken cancellationToken)
    {
        var voip = providers.Find(provider) ?? throw DomainException.NotFound("The VOIP provider");
        var found = string.IsNullOrEmpty(tenant) ? null : await tenants.FindAsync(tenant, cancellationToken);
        var settings = found is null ? null : await store.VoipAsync(found.Id, cancellationToken);
        var form = await FormAsync(context.Request, cancellationToken);
        var url = PublicBase(context, configuration) + context.Request.Path + context.Request.QueryString;
        if (found is null || settings is null || !string.Equals(settings.Provider, voip.Name, StringComparison.Ordinal)
            || !voip.IsAuthentic(settings, url, form, name => context.Request.Headers[name].ToString()))
        {
            throw new DomainException(DomainErrorKind.Invalid, "invalid_signature", "The request's signature is missing or is not the provider's under the tenant's VOIP credentials.");
        }

        if (!Guid.TryParse(call, out var callId))
        {
            throw DomainException.Invalid("call", "The call's id is missing from the callback address.");
        }

        if (voip.ParseEvent(form) is not { } report)
        {
            throw DomainException.Invalid("CallStatus", "The callback reports no call status the CRM knows.");
        }

        var tenantId = found.Id;
        CallRow row;
        await using (var batch = db.ForTenant(tenantId))
        {
            var command = batch.Add("""
                UPDATE voip_calls SET
                    provider_call_id = coalesce(provider_call_id, $3),
                    status = CASE WHEN $5 > (CASE status WHEN 'starting' THEN 0 WHEN 'queued' THEN 1 WHEN 'ringing' THEN 2 WHEN 'in_progress' THEN 3 ELSE 4 END) THEN $4 ELSE status END,
                    answered_at = CASE WHEN $4 = 'in_progress' OR ($4 = 'completed' AND coalesce($6, 0) > 0) THEN coalesce(answered_at, clock_timestamp()) ELSE answered_at END,
                    ended_at = CASE WHEN $5 = 4 THEN coalesce(ended_at, clock_timestamp()) ELSE ended_at END,
                    duration_seconds = coalesce($6, duration_seconds),
                    recording_url = coalesce($7, recording_url),
                    updated_at = clock_timestamp()
                WHERE tenant_id = $1 AND id = $2 AND provider = $8 AND (provider_call_id IS NULL OR provider_call_id = $3)
                RETURNING status, agent_id, to_number, subject_type, subject_id, duration_seconds, recording_url, activity_id
                """).With(tenantId).With(callId).With(report.ProviderCallId).WithText(report.Status).With(report.Status is null ? -1 : VoipStatus.Rank(report.Status));
            command.Parameters.Add(new NpgsqlParameter { Value = (object?)report.DurationSeconds ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Integer });
            command.WithText(report.RecordingUrl).With(voip.Name);
            await using var reader = await batch.ReadAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                throw DomainException.NotFound("The call");
            }

            row = new CallRow(reader.GetString(0), reader.GetGuid(1), reader.GetString(2), reader.GetString(3), reader.GetGuid(4),
                reader.IsDBNull(5) ? null : reader.GetInt32(5), reader.IsDBNull(6) ? null : reader.GetString(6), reader.IsDBNull(7) ? null : reader.GetGuid(7));
        }

        var activityId = row.ActivityId;
        if (activityId is null && Outcome(row.Status) is { } outcome)
        {
            // One activity per call, whatever the number of callbacks, shared with the agent's disposition of it (in either order).
            var id = CallActivityIds.ForClickToCall(tenantId, callId);
            var body = $"Click-to-call to {row.ToNumber} through {voip.Name}: {row.Status.Replace('_', ' ')}"
                + (row.DurationSeconds is { } seconds ? string.Create(CultureInfo.InvariantCulture, $", {seconds} s") : "")
                + (row.RecordingUrl is { } recording ? $". Recording: {recording}" : ".");
            using (CallerContext.Begin(tenantId, row.AgentId, context.Connection.RemoteIpAddress?.ToString()))
            {
                await grains.GetGrain<IActivityGrain>(tenantId, id).RecordCallAsync(new CallAccount(CallAccountSource.Provider, new NewActivity(
                    ActivityType.Call, new ActivitySubject(row.SubjectType, row.SubjectId), DateTime.UtcNow, row.DurationSeconds, outcome, body, row.AgentId)));
            }

            await using var logged = db.ForTenant(tenantId);
            logged.Add("UPDATE voip_calls SET activity_id = $3 WHERE tenant_id = $1 AND id = $2 AND activity_id IS NULL").With(tenantId).With(callId).With(id);
            await logged.ExecuteAsync(cancellationToken);
            activityId = id;
        }

        return TypedResults.Ok(new VoipWebhookResult(callId, row.Status, activityId));
    }

    /// <summary>The call activity's outcome for an ended call (as the agents report counts them); null while it goes on, or when it never rang through.</summary>
    private static string? Outcome(string status) => status switch
    {
        VoipStatus.Completed => "answered",
        VoipStatus.Busy => "busy",
        VoipStatus.NoAnswer => "no_answer",
        _ => null,
    };

    private static async Task<IReadOnlyDictionary<string, string[]>> FormAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (!request.HasFormContentType)
        {
            return new Dictionary<string, string[]>();
        }

        try
        {
            var form = await request.ReadFormAsync(cancellationToken);
            return form.ToDictionary(field => field.Key, field => field.Value.Select(value => value ?? "").ToArray(), StringComparer.Ordinal);
        }
        catch (InvalidDataException)
        {
            throw DomainException.Invalid("body", "The body is not a form.");
        }
    }

    private static string PublicBase(HttpContext context, IConfiguration configuration) =>
        configuration[PublicBaseUrlKey] is { Length: > 0 } configured
            ? configured.TrimEnd('/')
            : $"{context.Request.Scheme}://{context.Request.Host}{context.Request.PathBase}";


    private sealed record CallRow(string Status, Guid AgentId, string ToNumber, string SubjectType, Guid SubjectId, int? DurationSeconds, string? RecordingUrl, Guid? ActivityId);
}
