using System.Security.Cryptography;
using System.Text.Json;
using M3CoreCRM.ApiHost.Identity;
using M3CoreCRM.Grains.Persistence;
using Npgsql;
using NpgsqlTypes;

namespace M3CoreCRM.ApiHost.Conventions;

/// <summary>Marks an endpoint whose response must never be stored (it carries a secret, such as a new access token).</summary>
public sealed class NoIdempotencyReplay;

/// <summary>
/// <c>Idempotency-Key</c> on tenant-scoped POSTs: the first request with a key runs and its response
/// (status, Location, ETag, body) is kept for 24 h; the same key with the same body gets that response
/// again and nothing runs twice; the same key with another body is 409 <c>idempotency_key_reused</c>;
/// a repeat while the first is still running is 409 <c>request_in_progress</c> with <c>Retry-After</c>.
/// Only a success is kept: a refusal did nothing, and running the request again gives the same
/// refusal (or, for a transient one such as 429 or 503, the success it should get after waiting).
/// </summary>
public sealed class IdempotencyMiddleware(RequestDelegate next, NpgsqlDataSource db, IProblemDetailsService problems)
{
    public const string Header = "Idempotency-Key";
    private const int MaxKeyLength = 128;
    private const int MaxStoredBody = 1024 * 1024;

    public Task InvokeAsync(HttpContext context) =>
        HttpMethods.IsPost(context.Request.Method)
        && context.Request.Headers.TryGetValue(Header, out var values)
        && context.Items[typeof(Caller)] is Caller caller
        && context.GetEndpoint()?.Metadata.GetMetadata<NoIdempotencyReplay>() is null
            ? RunOnceAsync(context, caller, values.ToString())
            : next(context);

    private async Task RunOnceAsync(HttpContext context, Caller caller, string key)
    {
        if (key.Length is 0 or > MaxKeyLength)
        {
            await TenancyMiddleware.WriteAsync(context, problems, 400, "validation_failed", $"{Header} must have 1 to {MaxKeyLength} characters.");
            return;
        }

        context.Request.EnableBuffering();
        var hash = await HashRequestAsync(context.Request);
        var callerKey = caller.UserId.ToString();
        if (!await ClaimAsync(db, caller.TenantId, callerKey, key, hash, context.RequestAborted))
        {
            await AnswerRepeatAsync(context, db, problems, caller.TenantId, callerKey, key, hash);
            return;
        }

        RecordIds.UseKey(context, caller.TenantId, callerKey, key, hash);

        var original = context.Response.Body;
        await using var buffer = new MemoryStream();
        context.Response.Body = buffer;
        var completed = false;
        try
        {
            await next(context);
            completed = true;
        }
        finally
        {
            context.Response.Body = original;
            if (completed && context.Response.StatusCode is >= 200 and < 300 && buffer.Length <= MaxStoredBody)
            {
                await StoreAsync(db, caller.TenantId, callerKey, key, context.Response, buffer.ToArray());
            }
            else
            {
                await ReleaseAsync(db, caller.TenantId, callerKey, key);
            }

            buffer.Position = 0;
            await buffer.CopyToAsync(original, CancellationToken.None);
        }
    }

    private static async Task<string> HashRequestAsync(HttpRequest request)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(System.Text.Encoding.UTF8.GetBytes($"{request.Method} {request.Path}{request.QueryString}\n"));
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0)
        {
            sha.AppendData(chunk, 0, read);
        }

        request.Body.Position = 0;
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    // True when this request holds the key now (a key older than 24 h counts as free).
    private static async Task<bool> ClaimAsync(NpgsqlDataSource db, Guid tenantId, string caller, string key, string hash, CancellationToken cancellationToken)
    {
        await using var batch = db.ForTenant(tenantId);
        batch.Add("DELETE FROM idempotency_keys WHERE tenant_id = $1 AND caller = $2 AND key = $3 AND created_at < now() - interval '24 hours'")
            .With(tenantId).With(caller).With(key);
        batch.Add("INSERT INTO idempotency_keys (tenant_id, caller, key, request_hash) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING")
            .With(tenantId).With(caller).With(key).With(hash);
        return await batch.ExecuteAsync(cancellationToken) == 1;
    }

    private static async Task AnswerRepeatAsync(HttpContext context, NpgsqlDataSource db, IProblemDetailsService problems, Guid tenantId, string caller, string key, string hash)
    {
        await using var batch = db.ForTenant(tenantId);
        batch.Add("SELECT request_hash, status, headers::text, body FROM idempotency_keys WHERE tenant_id = $1 AND caller = $2 AND key = $3")
            .With(tenantId).With(caller).With(key);
        await using var reader = await batch.ReadAsync(context.RequestAborted);
        if (!await reader.ReadAsync(context.RequestAborted) || reader.IsDBNull(1))
        {
            context.Response.Headers.RetryAfter = "1";
            await TenancyMiddleware.WriteAsync(context, problems, 409, "request_in_progress", "A request with this Idempotency-Key is still running; retry shortly.");
            return;
        }

        if (reader.GetString(0) != hash)
        {
            await TenancyMiddleware.WriteAsync(context, problems, 409, "idempotency_key_reused", "This Idempotency-Key was used for a different request.");
            return;
        }

        context.Response.StatusCode = reader.GetInt32(1);
        foreach (var (name, value) in JsonSerializer.Deserialize<Dictionary<string, string>>(reader.GetString(2)) ?? [])
        {
            context.Response.Headers[name] = value;
        }

        context.Response.Headers["Idempotent-Replayed"] = "true";
        var body = reader.IsDBNull(3) ? [] : reader.GetFieldValue<byte[]>(3);
        await context.Response.Body.WriteAsync(body, context.RequestAborted);
    }

    private static async Task StoreAsync(NpgsqlDataSource db, Guid tenantId, string caller, string key, HttpResponse response, byte[] body)
    {
        var headers = new Dictionary<string, string>();
        foreach (var name in new[] { "Content-Type", "Location", "ETag" })
        {
            if (response.Headers.TryGetValue(name, out var value))
            {
                headers[name] = value.ToString();
            }
        }

        await using var batch = db.ForTenant(tenantId);
        var command = batch.Add("UPDATE idempotency_keys SET status = $4, headers = $5, body = $6 WHERE tenant_id = $1 AND caller = $2 AND key = $3")
            .With(tenantId).With(caller).With(key).With(response.StatusCode);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = JsonSerializer.Serialize(headers), NpgsqlDbType = NpgsqlDbType.Jsonb });
        command.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = body });
        await batch.ExecuteAsync(CancellationToken.None);
    }

    private static async Task ReleaseAsync(NpgsqlDataSource db, Guid tenantId, string caller, string key)
    {
        await using var batch = db.ForTenant(tenantId);
        batch.Add("DELETE FROM idempotency_keys WHERE tenant_id = $1 AND caller = $2 AND key = $3").With(tenantId).With(caller).With(key);
        await batch.ExecuteAsync(CancellationToken.None);
    }
}

/// <summary>Removes idempotency records past their 24 hours, once an hour, across tenants.</summary>
public sealed partial class IdempotencyKeyCleanup(NpgsqlDataSource db, ILogger<IdempotencyKeyCleanup> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromHours(1));
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await using var batch = db.ForSystem();
                batch.Add("DELETE FROM idempotency_keys WHERE created_at < now() - interval '24 hours'");
                await batch.ExecuteAsync(stoppingToken);
            }
            catch (Exception exception) when (exception is NpgsqlException or TimeoutException)
            {
                LogCleanupFailed(logger, exception);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Removing expired idempotency records failed; trying again in an hour")]
    private static partial void LogCleanupFailed(ILogger logger, Exception exception);
}
