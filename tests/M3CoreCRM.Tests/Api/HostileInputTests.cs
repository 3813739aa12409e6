using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using M3CoreCRM.Tests.Infrastructure;
using Xunit.Abstractions;

namespace M3CoreCRM.Tests.Api;

/// <summary>
/// The rule that bad input always gets a clear 4xx problem+json answer and never a 500, checked on every operation the
/// served OpenAPI document describes under <c>/api/v1/</c>: hostile JSON bodies (each property of the operation's schema
/// null, of the wrong type, too long, out of range, not a GUID, not a date), bodies of the wrong content type, hostile
/// query values, hostile path segments and hostile <c>If-Match</c>, <c>Idempotency-Key</c> and <c>X-Tenant-Id</c> headers,
/// sent as a tenant's owner (every permission), so they pass authorization and reach validation. Each test collects every
/// failing answer and fails once with the whole list.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class HostileInputTests(PostgresFixture postgres, HostileInputHost host, ITestOutputHelper output) : IClassFixture<HostileInputHost>
{
    private const int Concurrency = 8;

    /// <summary>Enough to show a fault; a sweep past it (a host out of connections answers every request slowly) stops.</summary>
    private const int FailuresBeforeStopping = 100;
    private const int LongStringLength = 100_000;
    private const string ApiPrefix = "/api/v1/";

    /// <summary>Stands in a body for the hostile value until it is serialized, so values no JSON writer would write (a lone surrogate) are sent as they are.</summary>
    private const string Slot = "HOSTILE_VALUE_SLOT";

    /// <summary>
    /// Stands in a path for an id: each request gets a GUID of its own, so that probes judge the input and not what
    /// concurrent requests for one missing record do (<see cref="ConcurrentRequestsForOneMissingRecordAreAllAnsweredWithoutA5xx"/> checks that).
    /// </summary>
    private const string FreshId = "{fresh-guid}";

    /// <summary>Operations that get no hostile input, each with its reason. Everything else in the document is probed.</summary>
    private static readonly Dictionary<string, string> Excluded = new(StringComparer.Ordinal)
    {
        // It takes no body, no query and no path value: its only input is the access token, and it revokes the session
        // that every other probe is sent with.
        ["POST /api/v1/auth/logout"] = "revokes the session the probes use; has no input to make hostile",
    };

    /// <summary>
    /// 5xx answers that are the documented answer of a server without a provider configured, not a reaction to the input:
    /// the test host has no Stripe API key, so checkout (once its plan is valid) and the billing portal answer
    /// 503 <c>billing_not_configured</c>, as their descriptions say. Any other 5xx on them is still a failure.
    /// </summary>
    private static readonly Dictionary<string, (int Status, string Code)> NotConfiguredAnswers = new(StringComparer.Ordinal)
    {
        ["POST /api/v1/billing/checkout"] = (503, "billing_not_configured"),
        ["POST /api/v1/billing/portal"] = (503, "billing_not_configured"),
    };

    /// <summary>Real values for path parameters that are names rather than ids (a random GUID is sent as well).</summary>
    private static readonly Dictionary<string, string[]> KnownPathValues = new(StringComparer.Ordinal)
    {
        ["/api/v1/auth/verify/{channel}/request channel"] = ["email", "mobile"],
        ["/api/v1/auth/verify/{channel}/confirm channel"] = ["email", "mobile"],
        ["/api/v1/integrations/{name}/test name"] = ["email", "infobip", "voip"],
        ["/api/v1/reports/{name} name"] = ["pipeline", "funnel", "agents", "inventory", "activity"],
        ["/api/v1/entities/{type}/{id}/timeline type"] = ["lead", "contact", "company", "deal", "unit"],
        ["/api/v1/webhooks/voip/{provider} provider"] = ["twilio"],
    };

    /// <summary>
    /// Query parameters a route reads that the document does not list. The live stream takes its ticket in the query
    /// (an EventSource cannot send a header); it is probed without a bearer token, so the ticket is what is judged.
    /// </summary>
    private static readonly Dictionary<string, string[]> UndocumentedQuery = new(StringComparer.Ordinal)
    {
        ["GET /api/v1/stream"] = ["ticket"],
    };

    private static readonly string LongString = new('a', LongStringLength);

    private static readonly string[] HostileQueryValues =
    [
        "", " ", "abc", "-1", "0", "1.5", "1e3", "-2147483649", "2147483648", "99999999999999999999", "NaN",
        "not-a-guid", "00000000-0000-0000-0000-000000000000", "2026-13-45", "2026-02-30T25:61:00Z", "0001-01-01T00:00:00Z",
        "9999-12-31T23:59:59Z", "%%%", "null", "true", "[]", "{}", "eyJ4IjoxfQ", "AAAA", "____", "\0", "'; --",
        "a,b,c,d", "200,200,-200,-200", "NaN,NaN,NaN,NaN", "Infinity,0,0,0", "-180,-90,180,90,1", new string('9', 2000),
    ];

    private static readonly string[] HostilePathValues =
    [
        "not-a-guid", "00000000-0000-0000-0000-000000000000", "%20", "%25%25%25", "-1", "null", "..", new string('a', 2000),
        "01a24356-be2d-78da-bab7-9889bb4d504c%00", "{00000000-0000-0000-0000-000000000000}",
    ];

    private static readonly string[] HostileIfMatch = ["garbage", "\"abc\"", "W/\"1\"", "\"-1\"", "\"99999999999999999999\"", "*", "\"\"", "\"1\", \"2\""];

    private static readonly string[] HostileIdempotencyKeys = ["", " ", new string('k', 129), new string('k', 4000)];

    private static readonly string[] HostileTenantHeaders = ["", "not-a-tenant", "00000000-0000-0000-0000-000000000000", "%%%", new string('t', 1000)];

    [Fact]
    public async Task AKnownBadBodyReachesValidationAndIsA400Problem()
    {
        var target = await host.StartAsync(postgres);

        // The owner passes authorization, so an invalid role is refused by the handler's validation, naming the field.
        using var request = target.Request(HttpMethod.Post, "/api/v1/roles");
        request.Content = new StringContent("{ \"name\": \"\" }", Encoding.UTF8, "application/json");
        using var response = await target.Http.SendAsync(request);

        var problem = await ErrorFormatTests.AssertProblemAsync(response, System.Net.HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty("name", out _), problem.GetRawText());
    }

    [Fact]
    public async Task NoRouteAnswersHostileBodiesWithA500()
    {
        var target = await host.StartAsync(postgres);
        var probes = new List<Probe>();
        foreach (var operation in Operations(target.Document))
        {
            if (operation.Method is "GET" or "DELETE")
            {
                continue;
            }

            var baseBody = operation.JsonBody is not null ? PlausibleBody(target.Document, operation) : null;
            foreach (var path in PathCombinations(operation))
            {
                foreach (var (label, body, contentType) in HostileBodies(target.Document, operation, baseBody))
                {
                    probes.Add(new Probe(operation, path, label, body, contentType));
                }
            }
        }

        await RunAsync(target, probes, "hostile bodies", listAccepted: true);
    }

    [Fact]
    public async Task NoRouteAnswersABodyOfTheWrongContentTypeWithA500()
    {
        var target = await host.StartAsync(postgres);
        var probes = new List<Probe>();
        foreach (var operation in Operations(target.Document).Where(o => o.Method is "POST" or "PUT" or "PATCH"))
        {
            var body = operation.JsonBody is not null ? PlausibleBody(target.Document, operation).ToJsonString() : "{}";
            foreach (var path in PathCombinations(operation))
            {
                probes.Add(new Probe(operation, path, "JSON sent as text/plain", body, "text/plain"));
                probes.Add(new Probe(operation, path, "JSON sent as text/plain; charset=utf-8", body, "text/plain; charset=utf-8"));
                probes.Add(new Probe(operation, path, "JSON sent without a Content-Type", body, null));
                probes.Add(new Probe(operation, path, "JSON sent as a form", body, "application/x-www-form-urlencoded"));
                probes.Add(new Probe(operation, path, "JSON sent as multipart without a boundary", body, "multipart/form-data"));
                probes.Add(new Probe(operation, path, "JSON sent as text/csv", body, "text/csv"));
                probes.Add(new Probe(operation, path, "JSON sent as application/xml", "<a/>", "application/xml"));
                probes.Add(new Probe(operation, path, "UTF-8 JSON declared as UTF-16", body, "application/json; charset=utf-16"));
                probes.Add(new Probe(operation, path, "JSON with an unknown charset", body, "application/json; charset=no-such-charset"));
                probes.Add(new Probe(operation, path, "a malformed Content-Type", body, "application/"));
                probes.Add(new Probe(operation, path, "an empty body declared as JSON", "", "application/json"));
            }
        }

        await RunAsync(target, probes, "wrong content types");
    }

    [Fact]
    public async Task NoRouteAnswersHostileQueriesWithA500()
    {
        var target = await host.StartAsync(postgres);
        var probes = new List<Probe>();
        foreach (var operation in Operations(target.Document))
        {
            var queries = operation.Query;
            if (operation.Method is not ("GET" or "DELETE") && queries.Count == 0)
            {
                continue;
            }

            var (body, contentType) = ValidLookingBody(target.Document, operation);
            var anonymous = UndocumentedQuery.ContainsKey(operation.Key);
            foreach (var path in PathCombinations(operation))
            {
                probes.Add(new Probe(operation, path, "no query", body, contentType, Anonymous: anonymous));
                foreach (var query in queries)
                {
                    foreach (var value in HostileQueryValues)
                    {
                        probes.Add(new Probe(operation, path + "?" + Pair(query.Name, value), $"{query.Name}={Describe(value)}", body, contentType, Anonymous: anonymous));
                    }

                    // Unescaped: a percent sign that starts no escape, as a hand-typed address might carry.
                    probes.Add(new Probe(operation, path + "?" + query.Name + "=%%%", $"{query.Name}=%%% (unescaped)", body, contentType, Anonymous: anonymous));
                    probes.Add(new Probe(operation, path + "?" + Pair(query.Name, "1") + "&" + Pair(query.Name, "2"), $"{query.Name} twice", body, contentType, Anonymous: anonymous));
                }

                if (queries.Count > 1)
                {
                    var all = string.Join('&', queries.Select(q => Pair(q.Name, "abc")));
                    probes.Add(new Probe(operation, path + "?" + all, "every query parameter abc", body, contentType, Anonymous: anonymous));
                }

                // Date ranges at the ends of the calendar, and reversed.
                var dates = queries.Where(q => q.Format == "date-time").ToList();
                if (dates.Count > 0)
                {
                    string Range(Func<int, string> value) => string.Join('&', dates.Select((q, i) => Pair(q.Name, value(i))));
                    probes.Add(new Probe(operation, path + "?" + Range(_ => "0001-01-01T00:00:00Z"), "every date at 0001-01-01", body, contentType));
                    probes.Add(new Probe(operation, path + "?" + Range(_ => "9999-12-31T23:59:59Z"), "every date at 9999-12-31", body, contentType));
                    probes.Add(new Probe(operation, path + "?" + Range(i => i % 2 == 0 ? "0001-01-01T00:00:00Z" : "9999-12-31T23:59:59Z"), "dates from 0001 to 9999", body, contentType));
                    probes.Add(new Probe(operation, path + "?" + Range(i => i % 2 == 0 ? "9999-12-31T23:59:59+14:00" : "0001-01-01T00:00:00-14:00"), "dates reversed, with offsets past the calendar's ends", body, contentType));
                }
            }
        }

        await RunAsync(target, probes, "hostile queries");
    }

    [Fact]
    public async Task NoRouteAnswersHostilePathValuesWithA500()
    {
        var target = await host.StartAsync(postgres);
        var probes = new List<Probe>();
        foreach (var operation in Operations(target.Document).Where(o => o.PathParameters.Count > 0))
        {
            var (body, contentType) = ValidLookingBody(target.Document, operation);
            foreach (var parameter in operation.PathParameters)
            {
                foreach (var value in HostilePathValues)
                {
                    var path = operation.Path;
                    foreach (var other in operation.PathParameters)
                    {
                        var replacement = other.Name == parameter.Name ? value : KnownValues(operation, other)[0];
                        path = path.Replace("{" + other.Name + "}", replacement, StringComparison.Ordinal);
                    }

                    // Kestrel refuses a path whose decoded form holds a NUL with a bare 400 before any middleware runs:
                    // the app cannot make that answer problem+json, so for that value only a bodiless 400 is taken too.
                    probes.Add(new Probe(operation, path, $"path {parameter.Name}={Describe(value)}", body, contentType, ServerRefusesBare: value.Contains("%00", StringComparison.Ordinal)));
                }
            }
        }

        await RunAsync(target, probes, "hostile path values");
    }

    [Fact]
    public async Task ConcurrentRequestsForOneMissingRecordAreAllAnsweredWithoutA5xx()
    {
        var target = await host.StartAsync(postgres);
        var probes = new List<Probe>();
        foreach (var operation in Operations(target.Document).Where(o => o.Method == "GET" && o.PathParameters is [{ Format: "uuid" }]))
        {
            // Sixteen reads of one made-up id, eight at a time, as several users opening a deleted record's link would.
            var path = operation.Path.Replace("{" + operation.PathParameters[0].Name + "}", Guid.NewGuid().ToString(), StringComparison.Ordinal);
            probes.AddRange(Enumerable.Range(1, 16).Select(i => new Probe(operation, path, $"read {i} of 16 of one missing id", null, null)));
        }

        await RunAsync(target, probes, "concurrent reads of one missing record");
    }

    [Fact]
    public async Task NoRouteAnswersHostileHeadersWithA500()
    {
        var target = await host.StartAsync(postgres);
        var probes = new List<Probe>();
        foreach (var operation in Operations(target.Document))
        {
            var (body, contentType) = ValidLookingBody(target.Document, operation);
            var path = PathCombinations(operation)[0];
            if (operation.Headers.Contains("If-Match"))
            {
                probes.AddRange(HostileIfMatch.Select(value => new Probe(operation, path, $"If-Match: {value}", body, contentType, Headers: [new("If-Match", value)])));
            }

            if (operation.Headers.Contains("Idempotency-Key"))
            {
                probes.AddRange(HostileIdempotencyKeys.Select(value => new Probe(operation, path, $"Idempotency-Key: {Describe(value)}", body, contentType, Headers: [new("Idempotency-Key", value)])));
            }

            probes.AddRange(HostileTenantHeaders.Select(value => new Probe(operation, path, $"X-Tenant-Id: {Describe(value)}", body, contentType, Headers: [new("X-Tenant-Id", value)])));
        }

        await RunAsync(target, probes, "hostile headers");
    }

    /// <summary>Sends the probes, 8 at a time, and fails once with every answer that broke the rule.</summary>
    private async Task RunAsync(HostileInputHost target, List<Probe> probes, string what, bool listAccepted = false)
    {
        var accepted = new ConcurrentBag<string>();
        var failures = new ConcurrentBag<Failure>();
        var statuses = new ConcurrentDictionary<int, int>();
        var byOperation = new ConcurrentDictionary<(string Operation, int Status), int>();
        var clock = Stopwatch.StartNew();
        using var stop = new CancellationTokenSource();
        try
        {
            await Parallel.ForEachAsync(probes, new ParallelOptions { MaxDegreeOfParallelism = Concurrency, CancellationToken = stop.Token }, async (probe, cancellationToken) =>
            {
                var (status, failure) = await SendAsync(target, probe);
                statuses.AddOrUpdate(status, 1, (_, count) => count + 1);
                byOperation.AddOrUpdate((probe.Operation.Key, status), 1, (_, count) => count + 1);
                if (listAccepted && status is >= 200 and < 300)
                {
                    accepted.Add($"{probe.Operation.Key} [{probe.Label}] -> {status}");
                }

                if (failure is not null)
                {
                    failures.Add(failure);
                    if (failures.Count >= FailuresBeforeStopping)
                    {
                        await stop.CancelAsync();
                    }
                }
            });
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            output.WriteLine($"stopped after {failures.Count} failures");
        }

        output.WriteLine($"{what}: {probes.Count} requests over {probes.Select(p => p.Operation.Key).Distinct().Count()} operations in {clock.Elapsed.TotalSeconds:F1} s");
        output.WriteLine("answers by status: " + string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}: {s.Value}")));
        output.WriteLine($"operations that answered 400 at least once: {byOperation.Keys.Where(k => k.Status == 400).Select(k => k.Operation).Distinct().Count()}");
        foreach (var operation in byOperation.GroupBy(entry => entry.Key.Operation).OrderBy(group => group.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"  {operation.Key}: " + string.Join(", ", operation.OrderBy(entry => entry.Key.Status).Select(entry => $"{entry.Key.Status}: {entry.Value}")));
        }

        foreach (var line in accepted.Order(StringComparer.Ordinal))
        {
            output.WriteLine("  accepted: " + line);
        }

        output.WriteLine("excluded: " + string.Join("; ", Excluded.Select(e => $"{e.Key} ({e.Value})")));

        if (!failures.IsEmpty)
        {
            Assert.Fail(Report(what, probes.Count, [.. failures]));
        }

        // The owner's session is still good: the probes were judged as a signed-in owner to the end.
        using var me = target.Request(HttpMethod.Get, "/api/v1/me");
        using var answer = await target.Http.SendAsync(me);
        Assert.True(answer.IsSuccessStatusCode, $"After the {what}, GET /api/v1/me answers {(int)answer.StatusCode}: the probes may not have been authorized.");
    }

    private static string Report(string what, int sent, List<Failure> failures)
    {
        var text = new StringBuilder();
        text.AppendLine($"{failures.Count} of {sent} requests with {what} broke the rule (a 5xx, a 4xx that is not application/problem+json, or an answer the operation does not document).");
        text.AppendLine("By operation and answer:");
        foreach (var group in failures.GroupBy(f => (f.Probe.Operation.Key, f.Status)).OrderBy(g => g.Key.Key, StringComparer.Ordinal).ThenBy(g => g.Key.Status))
        {
            text.AppendLine($"  {group.Key.Key} -> {group.Key.Status}: {group.Count()} (e.g. {group.First().Probe.Label})");
        }

        text.AppendLine("Every failure:");
        foreach (var failure in failures.OrderBy(f => f.Probe.Operation.Key, StringComparer.Ordinal).ThenBy(f => f.Probe.Label, StringComparer.Ordinal))
        {
            var probe = failure.Probe;
            text.AppendLine($"- {probe.Operation.Method} {Clip(failure.Url, 200)} [{probe.Label}]");
            if (probe.Body is not null)
            {
                text.AppendLine($"    sent ({probe.ContentType ?? "no Content-Type"}): {Clip(probe.Body, 200)}");
            }

            text.AppendLine($"    answer {failure.Status} ({failure.MediaType ?? "no Content-Type"}): {Clip(failure.Answer, 300)}");
        }

        return text.ToString();
    }

    private static async Task<(int Status, Failure? Failure)> SendAsync(HostileInputHost target, Probe probe)
    {
        var url = probe.Url;
        for (var slot = url.IndexOf(FreshId, StringComparison.Ordinal); slot >= 0; slot = url.IndexOf(FreshId, StringComparison.Ordinal))
        {
            url = string.Concat(url.AsSpan(0, slot), Guid.NewGuid().ToString(), url.AsSpan(slot + FreshId.Length));
        }

        using var request = probe.Anonymous ? new HttpRequestMessage(new HttpMethod(probe.Operation.Method), new Uri(url, UriKind.Relative)) : target.Request(new HttpMethod(probe.Operation.Method), url);
        foreach (var (name, value) in probe.Headers ?? [])
        {
            request.Headers.Remove(name);
            request.Headers.TryAddWithoutValidation(name, value);
        }

        if (probe.Body is not null)
        {
            var content = new ByteArrayContent(Encoding.UTF8.GetBytes(probe.Body));
            if (probe.ContentType is not null)
            {
                content.Headers.TryAddWithoutValidation("Content-Type", probe.ContentType);
            }

            request.Content = content;
        }

        var status = 0;
        string? mediaType = null;
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            using var response = await target.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            status = (int)response.StatusCode;
            mediaType = response.Content.Headers.ContentType?.MediaType;

            // An opened event stream never ends: its status and type are the answer.
            var answer = mediaType == "text/event-stream" ? "(an event stream)" : await response.Content.ReadAsStringAsync(timeout.Token);
            if (status >= 500 && !IsNotConfiguredAnswer(probe.Operation.Key, status, answer))
            {
                return (status, new Failure(probe, url, status, mediaType, answer));
            }

            if (status is >= 400 and < 500 && mediaType != "application/problem+json" && !(probe.ServerRefusesBare && status == 400 && answer.Length == 0))
            {
                return (status, new Failure(probe, url, status, mediaType, answer));
            }

            // A client generated from the document knows the answers it lists; any other is a gap in the contract.
            var documented = probe.Operation.Responses.Contains(status.ToString(System.Globalization.CultureInfo.InvariantCulture))
                || probe.Operation.Responses.Contains("default")
                || (status is >= 200 and < 300 && probe.Operation.Responses.Any(code => code.StartsWith('2')));
            if (!documented)
            {
                return (status, new Failure(probe, url, status, mediaType, "(not among the operation's documented answers) " + answer));
            }

            return (status, null);
        }
        catch (Exception exception) when (exception is HttpRequestException or OperationCanceledException)
        {
            // No answer at all, or (status set) an answer whose body was cut off after its headers went out.
            var what = status == 0 ? "no answer" : "the body was cut off after the headers";
            return (status, new Failure(probe, url, status, mediaType, $"{what}: {exception.GetType().Name}: {exception.Message}"));
        }
    }

    private static bool IsNotConfiguredAnswer(string operation, int status, string answer)
    {
        if (!NotConfiguredAnswers.TryGetValue(operation, out var allowed) || allowed.Status != status)
        {
            return false;
        }

        try
        {
            using var problem = JsonDocument.Parse(answer);
            return problem.RootElement.TryGetProperty("code", out var code) && code.GetString() == allowed.Code;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>The operations of the document under /api/v1/, less the excluded ones.</summary>
    private static List<Operation> Operations(JsonElement document)
    {
        var operations = new List<Operation>();
        foreach (var item in document.GetProperty("paths").EnumerateObject().Where(p => p.Name.StartsWith(ApiPrefix, StringComparison.Ordinal)))
        {
            foreach (var entry in item.Value.EnumerateObject())
            {
                var method = entry.Name.ToUpperInvariant();
                if (method is not ("GET" or "POST" or "PUT" or "PATCH" or "DELETE") || Excluded.ContainsKey($"{method} {item.Name}"))
                {
                    continue;
                }

                var pathParameters = new List<Parameter>();
                var query = new List<Parameter>();
                var headers = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
                var declared = entry.Value.TryGetProperty("parameters", out var parameters) ? parameters.EnumerateArray().ToList() : [];
                foreach (var raw in declared)
                {
                    var parameter = Resolve(document, raw);
                    var schema = parameter.TryGetProperty("schema", out var s) ? Resolve(document, s) : default;
                    var found = new Parameter(parameter.GetProperty("name").GetString()!, Format(schema));
                    switch (parameter.GetProperty("in").GetString())
                    {
                        case "path":
                            pathParameters.Add(found);
                            break;
                        case "query":
                            query.Add(found);
                            break;
                        case "header":
                            headers.Add(found.Name);
                            break;
                    }
                }

                foreach (var name in UndocumentedQuery.GetValueOrDefault($"{method} {item.Name}") ?? [])
                {
                    query.Add(new Parameter(name, null));
                }

                JsonElement? jsonBody = null;
                string? otherMediaType = null;
                if (entry.Value.TryGetProperty("requestBody", out var requestBody) && requestBody.TryGetProperty("content", out var content))
                {
                    foreach (var media in content.EnumerateObject())
                    {
                        if (media.Name == "application/json")
                        {
                            jsonBody = media.Value;
                        }
                        else
                        {
                            otherMediaType ??= media.Name;
                        }
                    }
                }

                var responses = entry.Value.TryGetProperty("responses", out var answers)
                    ? answers.EnumerateObject().Select(answer => answer.Name).ToHashSet(StringComparer.Ordinal)
                    : [];
                operations.Add(new Operation(method, item.Name, pathParameters, query, headers, jsonBody, otherMediaType, responses));
            }
        }

        Assert.True(operations.Count >= 100, $"Only {operations.Count} operations were found in the document.");
        return operations;
    }

    /// <summary>Every path the operation is probed at: random GUIDs for ids, and each known value (and a random GUID) for names.</summary>
    private static List<string> PathCombinations(Operation operation)
    {
        var paths = new List<string> { operation.Path };
        foreach (var parameter in operation.PathParameters)
        {
            var values = KnownValues(operation, parameter);
            paths = [.. paths.SelectMany(path => values.Select(value => path.Replace("{" + parameter.Name + "}", value, StringComparison.Ordinal)))];
        }

        return paths;
    }

    private static string[] KnownValues(Operation operation, Parameter parameter) =>
        parameter.Format == "uuid" ? [FreshId]
            : KnownPathValues.TryGetValue($"{operation.Path} {parameter.Name}", out var known) ? [.. known, FreshId]
            : [FreshId];

    /// <summary>A body the operation could take (its example, or one made up from its schema), for probes about something else.</summary>
    private static (string? Body, string? ContentType) ValidLookingBody(JsonElement document, Operation operation) =>
        operation.JsonBody is not null ? (PlausibleBody(document, operation).ToJsonString(), "application/json")
        : operation.OtherMediaType == "text/csv" ? ("name,phone\nSam Buyer,+971501234567\n", "text/csv")
        : operation.OtherMediaType == "application/x-www-form-urlencoded" ? ("CallSid=CA1&CallStatus=completed&CallDuration=5", "application/x-www-form-urlencoded")
        : (null, null);

    private static JsonObject PlausibleBody(JsonElement document, Operation operation)
    {
        var media = operation.JsonBody!.Value;
        if (media.TryGetProperty("example", out var example) && example.ValueKind == JsonValueKind.Object)
        {
            return JsonNode.Parse(example.GetRawText())!.AsObject();
        }

        return Plausible(document, media.GetProperty("schema"), "", 0) as JsonObject ?? [];
    }

    /// <summary>The hostile bodies for one operation: whole bodies of every shape, then each property made hostile in turn.</summary>
    private static IEnumerable<(string Label, string Body, string ContentType)> HostileBodies(JsonElement document, Operation operation, JsonObject? baseBody)
    {
        const string Json = "application/json";
        if (operation.OtherMediaType == "text/csv")
        {
            foreach (var (label, csv) in HostileCsv())
            {
                yield return (label, csv, "text/csv");
            }
        }
        else if (operation.OtherMediaType == "application/x-www-form-urlencoded")
        {
            foreach (var (label, form) in HostileForms())
            {
                yield return (label, form, "application/x-www-form-urlencoded");
            }
        }

        foreach (var (label, body) in HostileDocuments())
        {
            yield return (label, body, Json);
        }

        if (baseBody is null || operation.JsonBody is not { } media)
        {
            yield break;
        }

        yield return ("a body that could be valid", baseBody.ToJsonString(), Json);
        var withExtra = (JsonObject)baseBody.DeepClone();
        withExtra["unknownField"] = new JsonArray(null, new JsonObject());
        yield return ("an unknown field", withExtra.ToJsonString(), Json);

        var schema = Resolve(document, media.GetProperty("schema"));
        if (!schema.TryGetProperty("properties", out var properties))
        {
            yield break;
        }

        var allNull = new JsonObject();
        foreach (var property in properties.EnumerateObject())
        {
            allNull[property.Name] = null;
        }

        yield return ("every property null", allNull.ToJsonString(), Json);

        foreach (var first in properties.EnumerateObject().Take(1))
        {
            var name = JsonSerializer.Serialize(first.Name);
            yield return ($"{first.Name} twice, of two types", "{" + name + ":\"x\"," + name + ":1}", Json);
        }

        foreach (var (label, body, value) in Mutations(document, schema, baseBody, "", 0))
        {
            yield return (label, body.ToJsonString().Replace($"\"{Slot}\"", value, StringComparison.Ordinal), Json);
        }
    }

    /// <summary>Whole JSON documents that are not the object an operation takes.</summary>
    private static IEnumerable<(string Label, string Body)> HostileDocuments()
    {
        yield return ("{}", "{}");
        yield return ("[]", "[]");
        yield return ("null", "null");
        yield return ("\"text\"", "\"text\"");
        yield return ("123", "123");
        yield return ("true", "true");
        yield return ("nested arrays with nulls", "[[null],[null,[null]]]");
        yield return ("an object of nested nulls", "{\"x\":[[null]],\"y\":{\"z\":null}}");
        yield return ("truncated JSON", "{\"name\":");
        yield return ("an unclosed object", "{");
        yield return ("not JSON", "name=x");
        yield return ("a number too large for any type", "1e999");
        yield return ("arrays nested 100 deep", new string('[', 100) + new string(']', 100));
        yield return ("objects nested 100 deep", string.Concat(Enumerable.Repeat("{\"a\":", 100)) + "1" + new string('}', 100));
        yield return ("a lone surrogate in a key", "{\"\\ud800\":1}");
        yield return ("a type discriminator", "{\"$type\":\"System.Object\",\"$id\":\"1\",\"$ref\":\"1\"}");
        yield return ("a byte-order mark before {}", "\uFEFF{}");
        yield return ("trailing content after {}", "{} {}");
        yield return ("a comment", "/* c */ {}");
    }

    private static IEnumerable<(string Label, string Body)> HostileCsv()
    {
        yield return ("empty CSV", "");
        yield return ("CSV header only", "name,phone\n");
        yield return ("CSV with an unterminated quote", "name,phone\n\"Sam,+971501234567\n");
        yield return ("CSV rows wider than the header", "name,phone\nSam,+971501234567,x,y,z\n");
        yield return ("CSV with a 100,000-character field", "name,phone\n" + LongString + ",+971501234567\n");
        yield return ("CSV with 1,000 columns", string.Join(',', Enumerable.Range(0, 1000).Select(i => $"c{i}")) + "\n" + new string(',', 999) + "\n");
        yield return ("CSV of NUL characters", "\0\0\0\n\0");
        yield return ("CSV with only blank lines", "\n\n\n");
        yield return ("CSV with duplicate headers", "name,name,phone,phone\na,b,1,2\n");
    }

    private static IEnumerable<(string Label, string Body)> HostileForms()
    {
        yield return ("empty form", "");
        yield return ("form with empty names", "=&=&&");
        yield return ("form with a bad escape", "CallStatus=%ZZ&CallDuration=%");
        yield return ("form with a negative duration", "CallSid=CA1&CallStatus=completed&CallDuration=-1");
        yield return ("form with a huge duration", "CallSid=CA1&CallStatus=completed&CallDuration=99999999999999999999");
        yield return ("form with a 100,000-character value", "CallSid=" + LongString + "&CallStatus=completed");
        yield return ("form with an unknown status", "CallSid=CA1&CallStatus=exploded");
    }

    /// <summary>The base body with one property (or one property of a nested object or array item) made hostile, one at a time.</summary>
    private static IEnumerable<(string Label, JsonObject Body, string Value)> Mutations(JsonElement document, JsonElement schema, JsonObject baseObject, string prefix, int depth)
    {
        if (!schema.TryGetProperty("properties", out var properties))
        {
            yield break;
        }

        foreach (var property in properties.EnumerateObject())
        {
            var propertySchema = Resolve(document, property.Value);
            foreach (var (label, json) in HostileValues(document, propertySchema))
            {
                var body = (JsonObject)baseObject.DeepClone();
                body[property.Name] = Slot;
                yield return ($"{prefix}{property.Name} = {label}", body, json);
            }

            if (depth >= 2)
            {
                continue;
            }

            var kind = Kind(propertySchema);
            if (kind == "object")
            {
                var nestedBase = baseObject[property.Name] as JsonObject ?? Plausible(document, propertySchema, property.Name, depth + 1) as JsonObject ?? [];
                foreach (var (label, nested, value) in Mutations(document, propertySchema, nestedBase, $"{prefix}{property.Name}.", depth + 1))
                {
                    var body = (JsonObject)baseObject.DeepClone();
                    body[property.Name] = nested;
                    yield return (label, body, value);
                }
            }
            else if (kind == "array" && propertySchema.TryGetProperty("items", out var items) && Resolve(document, items) is var itemSchema && Kind(itemSchema) == "object")
            {
                var itemBase = Plausible(document, itemSchema, property.Name, depth + 1) as JsonObject ?? [];
                foreach (var (label, nested, value) in Mutations(document, itemSchema, itemBase, $"{prefix}{property.Name}[0].", depth + 1))
                {
                    var body = (JsonObject)baseObject.DeepClone();
                    body[property.Name] = new JsonArray(nested);
                    yield return (label, body, value);
                }
            }
        }
    }

    /// <summary>Hostile values for a property of the given schema, as JSON text with a short label.</summary>
    private static IEnumerable<(string Label, string Json)> HostileValues(JsonElement document, JsonElement schema)
    {
        yield return ("null", "null");
        var kind = Kind(schema);
        var format = Format(schema);
        switch (kind)
        {
            case "string":
                yield return ("a number", "123");
                yield return ("true", "true");
                yield return ("an object", "{\"a\":1}");
                yield return ("an array", "[\"a\"]");
                yield return ("\"\"", "\"\"");
                yield return ("blanks", "\"   \"");
                yield return ($"a string of {LongStringLength} chars", JsonSerializer.Serialize(LongString));
                yield return ("a NUL character", "\"a\\u0000b\"");
                yield return ("a lone surrogate", "\"\\ud800\"");
                yield return ("\"not-a-guid\"", "\"not-a-guid\"");
                yield return ("\"2026-13-45\"", "\"2026-13-45\"");
                if (format == "uuid")
                {
                    yield return ("the empty GUID", "\"00000000-0000-0000-0000-000000000000\"");
                    yield return ("a GUID in braces", $"\"{{{Guid.NewGuid()}}}\"");
                }
                else if (format is "date-time" or "date")
                {
                    yield return ("\"2026-02-30T25:61:00Z\"", "\"2026-02-30T25:61:00Z\"");
                    yield return ("\"0001-01-01T00:00:00Z\"", "\"0001-01-01T00:00:00Z\"");
                    yield return ("\"9999-12-31T23:59:59Z\"", "\"9999-12-31T23:59:59Z\"");
                    yield return ("\"9999-12-31T23:59:59-14:00\"", "\"9999-12-31T23:59:59-14:00\"");
                    yield return ("\"0001-01-01T00:00:00+14:00\"", "\"0001-01-01T00:00:00+14:00\"");
                }

                if (schema.TryGetProperty("enum", out _))
                {
                    yield return ("a value not in the enum", "\"not-one-of-them\"");
                }

                break;
            case "integer":
            case "number":
                yield return ("\"text\"", "\"text\"");
                yield return ("1e308", "1e308");
                yield return ("-1e308", "-1e308");
                yield return ("-1", "-1");
                yield return ("0", "0");
                yield return ("1.5", "1.5");
                yield return ("2147483648", "2147483648");
                yield return ("-2147483649", "-2147483649");
                yield return ("9223372036854775808", "9223372036854775808");
                yield return ("79228162514264337593543950336", "79228162514264337593543950336");
                yield return ("\"2147483648\"", "\"2147483648\"");
                yield return ("\"NaN\"", "\"NaN\"");
                yield return ("\"Infinity\"", "\"Infinity\"");
                yield return ("an object", "{}");
                yield return ("an array", "[1]");
                yield return ("true", "true");
                break;
            case "boolean":
                yield return ("\"yes\"", "\"yes\"");
                yield return ("1", "1");
                yield return ("an object", "{}");
                yield return ("an array", "[true]");
                break;
            case "array":
                yield return ("\"text\"", "\"text\"");
                yield return ("an object", "{}");
                yield return ("1", "1");
                yield return ("[null]", "[null]");
                yield return ("[[null]]", "[[null]]");
                yield return ("[null,[null]]", "[null,[null]]");
                var items = schema.TryGetProperty("items", out var i) ? Resolve(document, i) : default;
                var itemKind = Kind(items);
                if (itemKind == "object")
                {
                    yield return ("items of the wrong types", "[\"x\",1,true,[]]");
                    yield return ("[{}]", "[{}]");
                    yield return ("1,000 empty items", "[" + string.Join(',', Enumerable.Repeat("{}", 1000)) + "]");
                }
                else
                {
                    yield return ("items of the wrong types", "[1,{},[],true]");
                    yield return ("[\"\"]", "[\"\"]");
                    yield return ("[\"not-a-guid\"]", "[\"not-a-guid\"]");
                    yield return ($"an item of {LongStringLength} chars", "[" + JsonSerializer.Serialize(LongString) + "]");
                    var item = Format(items) == "uuid" ? $"\"{Guid.NewGuid()}\"" : "\"x\"";
                    yield return ("1,000 equal items", "[" + string.Join(',', Enumerable.Repeat(item, 1000)) + "]");
                    yield return ("1,000 different GUIDs", "[" + string.Join(',', Enumerable.Range(0, 1000).Select(_ => $"\"{Guid.NewGuid()}\"")) + "]");
                }

                break;
            case "object":
                yield return ("\"text\"", "\"text\"");
                yield return ("1", "1");
                yield return ("an array", "[]");
                yield return ("[null]", "[null]");
                yield return ("{}", "{}");
                yield return ("an object of nulls", "{\"a\":null,\"b\":[null]}");
                break;
            default:
                yield return ("\"text\"", "\"text\"");
                yield return ("1", "1");
                yield return ("{}", "{}");
                yield return ("[]", "[]");
                yield return ("[[null]]", "[[null]]");
                yield return ("an object nested 100 deep", string.Concat(Enumerable.Repeat("{\"a\":", 100)) + "1" + new string('}', 100));
                yield return ($"a string of {LongStringLength} chars", JsonSerializer.Serialize(LongString));
                break;
        }
    }

    /// <summary>A value of the schema's shape that could pass validation, so a hostile property is judged on its own.</summary>
    private static JsonNode? Plausible(JsonElement document, JsonElement raw, string name, int depth)
    {
        var schema = Resolve(document, raw);
        if (schema.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        if (schema.TryGetProperty("enum", out var values) && values.EnumerateArray().FirstOrDefault(v => v.ValueKind != JsonValueKind.Null) is { ValueKind: not JsonValueKind.Undefined } first)
        {
            return JsonNode.Parse(first.GetRawText());
        }

        switch (Kind(schema))
        {
            case "object":
                var result = new JsonObject();
                if (depth < 4 && schema.TryGetProperty("properties", out var properties))
                {
                    foreach (var property in properties.EnumerateObject())
                    {
                        result[property.Name] = Plausible(document, property.Value, property.Name, depth + 1);
                    }
                }

                return result;
            case "array":
                return new JsonArray();
            case "integer":
            case "number":
                return 1;
            case "boolean":
                return false;
            case "string":
                return PlausibleString(name, Format(schema));
            default:
                return null;
        }
    }

    private static string PlausibleString(string name, string? format)
    {
        var lower = name.ToLowerInvariant();
        return format switch
        {
            "uuid" => Guid.NewGuid().ToString(),
            "date-time" => "2026-06-01T10:00:00Z",
            "date" => "2026-06-01",
            _ when lower.Contains("email", StringComparison.Ordinal) => "probe@example.test",
            _ when lower.Contains("password", StringComparison.Ordinal) => "not the owner's password",
            _ when lower.Contains("phone", StringComparison.Ordinal) || lower.Contains("mobile", StringComparison.Ordinal) || lower.Contains("number", StringComparison.Ordinal) => "+971501234567",
            _ when lower.Contains("currency", StringComparison.Ordinal) => "AED",
            _ when lower.Contains("timezone", StringComparison.Ordinal) => "UTC",
            _ when lower.Contains("locale", StringComparison.Ordinal) => "en",
            _ when lower.Contains("url", StringComparison.Ordinal) => "https://example.test/",
            _ when lower.Contains("host", StringComparison.Ordinal) => "smtp.example.test",
            _ => "probe",
        };
    }

    /// <summary>Follows <c>$ref</c> and takes the non-null branch of <c>oneOf</c>/<c>anyOf</c>.</summary>
    private static JsonElement Resolve(JsonElement document, JsonElement schema)
    {
        for (var hops = 0; hops < 16 && schema.ValueKind == JsonValueKind.Object; hops++)
        {
            if (schema.TryGetProperty("$ref", out var reference))
            {
                var target = document;
                foreach (var part in reference.GetString()!.TrimStart('#', '/').Split('/'))
                {
                    target = target.GetProperty(part);
                }

                schema = target;
                continue;
            }

            var branch = schema.TryGetProperty("oneOf", out var oneOf) ? oneOf : schema.TryGetProperty("anyOf", out var anyOf) ? anyOf : default;
            if (branch.ValueKind == JsonValueKind.Array)
            {
                schema = branch.EnumerateArray().FirstOrDefault(b => !(b.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String && t.GetString() == "null"));
                continue;
            }

            break;
        }

        return schema;
    }

    private static string Kind(JsonElement schema)
    {
        if (schema.ValueKind != JsonValueKind.Object)
        {
            return "any";
        }

        if (!schema.TryGetProperty("type", out var type))
        {
            return schema.TryGetProperty("properties", out _) ? "object" : "any";
        }

        var types = type.ValueKind == JsonValueKind.String ? [type.GetString()!] : type.EnumerateArray().Select(t => t.GetString()!).ToArray();
        return new[] { "object", "array", "integer", "number", "boolean", "string" }.FirstOrDefault(kind => types.Contains(kind)) ?? "any";
    }

    private static string? Format(JsonElement schema) =>
        schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("format", out var format) ? format.GetString() : null;

    private static string Pair(string name, string value) => Uri.EscapeDataString(name) + "=" + Uri.EscapeDataString(value);

    private static string Describe(string value) => value.Length > 40 ? $"{value.Length} chars of '{value[0]}'" : JsonSerializer.Serialize(value);

    private static string Clip(string text, int length) => text.Length <= length ? text : string.Concat(text.AsSpan(0, length), $"… ({text.Length} chars)");

    private sealed record Parameter(string Name, string? Format);

    private sealed record Operation(
        string Method, string Path, List<Parameter> PathParameters, List<Parameter> Query, HashSet<string> Headers, JsonElement? JsonBody, string? OtherMediaType,
        HashSet<string> Responses)
    {
        public string Key => $"{Method} {Path}";
    }

    private sealed record Probe(
        Operation Operation, string Url, string Label, string? Body, string? ContentType, bool Anonymous = false, List<KeyValuePair<string, string>>? Headers = null,
        bool ServerRefusesBare = false);

    private sealed record Failure(Probe Probe, string Url, int Status, string? MediaType, string Answer);
}

/// <summary>
/// The ApiHost the hostile-input tests share, on its own database, with one tenant signed up whose owner sends every
/// probe. Rate limits are raised out of the way, the plan has no record limits, and a Stripe webhook secret is set so
/// that webhook's signature check is what judges its probes.
/// </summary>
public sealed class HostileInputHost : IAsyncLifetime
{
    private readonly SemaphoreSlim _start = new(1, 1);
    private ApiFactory? _api;

    public HttpClient Http { get; private set; } = null!;

    public TenantSession Tenant { get; private set; } = null!;

    public JsonElement Document { get; private set; }

    public Task InitializeAsync() => Task.CompletedTask;

    /// <summary>Starts the host on the first call (xunit gives class fixtures no collection fixture); later calls share it.</summary>
    public async Task<HostileInputHost> StartAsync(PostgresFixture postgres)
    {
        await _start.WaitAsync();
        try
        {
            if (_api is null)
            {
                // A small pool: a path that keeps a connection after its request (a refused statement once did) runs it
                // dry within the sweep, and the requests after it wait out Npgsql's 15 s and are answered 503. The wait
                // stays at its default so that a busy machine's slow moment is not taken for a leak.
                var database = new Npgsql.NpgsqlConnectionStringBuilder(await postgres.Server.CreateDatabaseAsync("hostile")) { MaxPoolSize = 24 };
                var api = new ApiFactory(database.ConnectionString, new Dictionary<string, string>
                {
                    ["RateLimits:TenantPerSecond"] = "10000000",
                    ["RateLimits:UserPerSecond"] = "10000000",
                    ["RateLimits:AuthPerAddressPerMinute"] = "10000000",
                    ["RateLimits:LoginPerAccountPer15Minutes"] = "10000000",
                    ["Billing:DefaultPlan"] = "enterprise",
                    ["Stripe:WebhookSecret"] = "whsec_" + Guid.NewGuid().ToString("N"),
                });
                Http = api.CreateClient();
                Http.Timeout = TimeSpan.FromSeconds(60);
                Tenant = await TenantSession.SignUpAsync(Http);
                Document = await Http.GetFromJsonAsync<JsonElement>(new Uri("/openapi/v1.json", UriKind.Relative));
                _api = api;
            }

            return this;
        }
        finally
        {
            _start.Release();
        }
    }

    /// <summary>A request as the tenant's owner. The tenant is named by its id: a probe that changed the slug would not lose it.</summary>
    public HttpRequestMessage Request(HttpMethod method, string url)
    {
        var request = new HttpRequestMessage(method, new Uri(url, UriKind.Relative));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Tenant.AccessToken);
        request.Headers.Add("X-Tenant-Id", Tenant.TenantId.ToString());
        return request;
    }

    public async Task DisposeAsync()
    {
        if (_api is not null)
        {
            Http.Dispose();
            await _api.DisposeAsync();
        }

        _start.Dispose();
    }
}
