using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using M3CoreCRM.Runtime.Activations;
using M3CoreCRM.Runtime.Errors;
using M3CoreCRM.Runtime.Grains;
using M3CoreCRM.Runtime.Persistence;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;

namespace M3CoreCRM.Runtime.Cluster;

/// <summary>The cluster could not take a call right now (no live owner, or the owner did not answer). Retry later.</summary>
public sealed class ClusterUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// The live silos as a process that hosts none sees them (an ApiHost with <c>M3_SILO=remote</c>):
/// read from the membership table every heartbeat interval and whenever a call found the owner moved.
/// </summary>
public sealed class ClusterView(NpgsqlDataSource db, IStorageGate gate, IOptions<ClusterOptions> options) : BackgroundService
{
    private volatile IReadOnlyList<SiloInfo> _live = [];

    public IReadOnlyList<SiloInfo> Live => _live;

    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        await gate.WhenReadyAsync(cancellationToken);
        _live = await ClusterMembership.ReadLiveAsync(db, options.Value.DeadAfter, cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.HeartbeatInterval);
        do
        {
            try
            {
                await RefreshAsync(stoppingToken);
            }
            catch (NpgsqlException)
            {
                // Storage is down: readiness says so; the last view stays until it answers again.
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}

/// <summary>
/// Sends grain calls to the silo that owns the tenant, over HTTP on the silos' internal port with the
/// cluster secret. It retries, with a fresh view, only when the call surely did not run: the silo said
/// "not owner", or no connection to it could be made. A call that may have run (the connection broke
/// after sending, the silo failed) is never sent again: the caller gets a 503 and retries under its
/// Idempotency-Key, so nothing is done twice.
/// </summary>
internal sealed class RemoteGrainRouter(ClusterView view, HttpClient http, string clusterSecret) : IGrainCallRouter
{
    public const string SecretHeader = "X-Cluster-Secret";
    public const string CallPath = "/internal/grains/call";
    private const int Attempts = 3;

    public async Task<TResult> InvokeAsync<TResult>(GrainId grainId, MethodDispatcher<TResult> method, object?[] arguments)
    {
        var parameters = method.Method.GetParameters();
        var context = RequestContext.Current;
        var request = new GrainCallRequest(
            method.Method.DeclaringType!.FullName!, method.Method.Name, grainId.TenantId, grainId.Key, grainId.Type,
            [.. arguments.Select((argument, i) => JsonSerializer.SerializeToElement(argument, parameters[i].ParameterType, GrainJson.Options))],
            context?.ActorId, context?.ClientAddress);

        Exception? last = null;
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            if (attempt > 0 || view.Live.Count == 0)
            {
                await view.RefreshAsync(CancellationToken.None);
            }

            var ownerId = Placement.Choose(grainId.TenantId, view.Live);
            var owner = view.Live.FirstOrDefault(s => s.Id == ownerId);
            if (owner is null)
            {
                last = new ClusterUnavailableException("No silo is live.");
                continue;
            }

            GrainCallResponse? response;
            try
            {
                using var message = new HttpRequestMessage(HttpMethod.Post, new Uri(new Uri(owner.Address), CallPath)) { Content = JsonContent.Create(request, options: GrainJson.Options) };
                message.Headers.Add(SecretHeader, clusterSecret);
                using var answer = await http.SendAsync(message);
                if (answer.StatusCode == HttpStatusCode.Unauthorized)
                {
                    throw new InvalidOperationException("The silo refused the cluster secret: M3_CLUSTER_SECRET differs between processes.");
                }

                if (!answer.IsSuccessStatusCode)
                {
                    throw new ClusterUnavailableException($"Silo {owner.Id} answered {(int)answer.StatusCode}.");
                }

                response = await answer.Content.ReadFromJsonAsync<GrainCallResponse>(GrainJson.Options);
            }
            catch (HttpRequestException exception) when (exception.HttpRequestError == HttpRequestError.ConnectionError)
            {
                last = new ClusterUnavailableException($"Silo {owner.Id} could not be reached.", exception);
                continue;
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
                throw new ClusterUnavailableException($"Silo {owner.Id} did not answer; the call may or may not have run.", exception);
            }

            switch (response?.Failure)
            {
                case null:
                    return response?.Result is { } result ? result.Deserialize<TResult>(GrainJson.Options)! : default!;
                case { Kind: "not_owner" }:
                    last = new ClusterUnavailableException($"The tenant's grains are moving between silos; retry shortly.");
                    continue;
                case { Kind: "domain" } domain:
                    throw new DomainException(domain.DomainKind ?? DomainErrorKind.Invalid, domain.Code ?? "validation_failed", domain.Message ?? "", domain.Errors);
                case { Kind: "conflict" } conflict:
                    throw new StorageConflictException(conflict.Message ?? "");
                case { Kind: "timeout" } timeout:
                    throw new GrainCallTimeoutException(timeout.Message ?? $"Call to {method.Name} on grain {grainId} timed out.");
                case { Kind: "maybe_ran" } uncertain:
                    throw new ClusterUnavailableException(uncertain.Message ?? "The call may or may not have run.");
                case var other:
                    throw new InvalidOperationException($"The silo could not run {method.Name}: {other.Message}");
            }
        }

        throw last ?? new ClusterUnavailableException("No silo took the call.");
    }
}
