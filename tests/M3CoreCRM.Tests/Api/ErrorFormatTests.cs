using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using M3CoreCRM.ApiHost.Conventions;
using M3CoreCRM.ApiHost.Errors;
using M3CoreCRM.Grains.Abstractions.Errors;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace M3CoreCRM.Tests.Api;

/// <summary>
/// The error pipeline of the ApiHost (the same registration calls Program.cs makes), hosted
/// on Kestrel with endpoints that fail in each way a real handler can.
/// </summary>
public sealed class ErrorFormatTests : IAsyncLifetime
{
    private const string Secret = "SELECT password_hash FROM users -- internal";

    private WebApplication? _app;
    private HttpClient _client = new();

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.AddApiConventions();
        builder.Services.AddApiProblemDetails();
        _app = builder.Build();
        _app.UseApiProblemDetails();
        _app.MapGet("/boom", string () => throw new InvalidOperationException(Secret));
        _app.MapGet("/storage-down", string () => throw new NpgsqlException(Secret, new System.Net.Sockets.SocketException(111)));
        _app.MapGet("/conflict", string () => throw new Orleans.Storage.InconsistentStateException(Secret));
        _app.MapPost("/echo", (EchoRequest request) => TypedResults.Ok(request));
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _client = new HttpClient { BaseAddress = new Uri(address) };
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    [Fact]
    public async Task UnhandledExceptionIsA500ProblemThatLeaksNothing()
    {
        var response = await _client.GetAsync(new Uri("/boom", UriKind.Relative));

        var problem = await AssertProblemAsync(response, HttpStatusCode.InternalServerError, "internal_error");
        var body = problem.GetRawText();
        Assert.DoesNotContain("password_hash", body, StringComparison.Ordinal);
        Assert.DoesNotContain("InvalidOperationException", body, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StorageOutageIsA503WithRetryAfter()
    {
        var response = await _client.GetAsync(new Uri("/storage-down", UriKind.Relative));

        var problem = await AssertProblemAsync(response, HttpStatusCode.ServiceUnavailable, "unavailable");
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.DoesNotContain("password_hash", problem.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StorageConflictIsARetryable409()
    {
        var response = await _client.GetAsync(new Uri("/conflict", UriKind.Relative));

        await AssertProblemAsync(response, HttpStatusCode.Conflict, "conflict");
        Assert.NotNull(response.Headers.RetryAfter);
    }

    [Fact]
    public async Task UnknownRouteIsA404Problem()
    {
        var response = await _client.GetAsync(new Uri("/no/such/route", UriKind.Relative));

        await AssertProblemAsync(response, HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task MalformedJsonIsA400ValidationProblem()
    {
        using var content = new StringContent("{ \"name\": ", Encoding.UTF8, "application/json");
        var response = await _client.PostAsync(new Uri("/echo", UriKind.Relative), content);

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest, "validation_failed");
        Assert.DoesNotContain("EchoRequest", problem.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WrongFieldTypeIsA400ValidationProblem()
    {
        using var content = new StringContent("{ \"name\": \"x\", \"count\": \"seven\" }", Encoding.UTF8, "application/json");
        var response = await _client.PostAsync(new Uri("/echo", UriKind.Relative), content);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    public async Task JsonInACharsetNoOneKnowsIsA415Problem()
    {
        using var content = new StringContent("{ \"name\": \"x\", \"count\": 7 }", Encoding.UTF8);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/json; charset=no-such-charset");
        var response = await _client.PostAsync(new Uri("/echo", UriKind.Relative), content);

        await AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
    }

    [Fact]
    public async Task UnknownFieldsAreIgnored()
    {
        using var content = new StringContent("{ \"name\": \"x\", \"count\": 7, \"extra\": true }", Encoding.UTF8, "application/json");
        var response = await _client.PostAsync(new Uri("/echo", UriKind.Relative), content);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(new EchoRequest("x", 7), await response.Content.ReadFromJsonAsync<EchoRequest>());
    }

    [Fact]
    public async Task BodyOverOneMebibyteIsA413Problem()
    {
        var big = "{ \"name\": \"" + new string('a', (int)ApiConventions.MaxRequestBodyBytes + 10) + "\", \"count\": 1 }";
        using var content = new StringContent(big, Encoding.UTF8, "application/json");
        var response = await _client.PostAsync(new Uri("/echo", UriKind.Relative), content);

        await AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
    }

    internal static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(code, problem.GetProperty("code").GetString());
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("title").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("traceId").GetString()));
        Assert.Equal($"urn:m3crm:problem:{code}", problem.GetProperty("type").GetString());
        return problem;
    }

    public sealed record EchoRequest(string Name, int Count);
}
