using System.Text.Json;
using M3CoreCRM.Tests.Infrastructure;

namespace M3CoreCRM.Tests.OpenApi;

/// <summary>
/// The served <c>/openapi/v1.json</c> as integrators use it: linted by Redocly CLI under the project's
/// <c>tests/openapi/redocly.yaml</c> (the recommended ruleset), and turned into a TypeScript client by
/// openapi-typescript that must type-check against a small typed usage of it.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class OpenApiLintTests(PostgresFixture postgres) : IAsyncLifetime
{
    private readonly string _work = Directory.CreateTempSubdirectory("m3-openapi-").FullName;
    private bool _keep;

    public Task InitializeAsync() => NodeTools.EnsureInstalledAsync();

    public Task DisposeAsync()
    {
        // A failed check leaves its files (the document, the generated client) to look at.
        if (!_keep)
        {
            Directory.Delete(_work, recursive: true);
        }

        return Task.CompletedTask;
    }

    [Fact]
    public async Task ServedDocumentLintsCleanUnderRedoclyRecommendedRules()
    {
        var document = await ServedDocumentAsync();

        var (_, json, output) = await NodeTools.ToolAsync(
            "redocly", "lint", document, "--config", Path.Combine(NodeTools.Folder, "redocly.yaml"), "--format=json", "--max-problems", "1000");

        var report = JsonDocument.Parse(json[json.IndexOf('{', StringComparison.Ordinal)..]).RootElement;
        var totals = report.GetProperty("totals");
        var problems = report.GetProperty("problems").EnumerateArray()
            .Select(problem => $"{problem.GetProperty("severity").GetString()} {problem.GetProperty("ruleId").GetString()} at {problem.GetProperty("location")[0].GetProperty("pointer").GetString()}: {problem.GetProperty("message").GetString()}")
            .ToList();

        // No errors, and no warnings either: a rule that should not apply is turned off in
        // tests/openapi/redocly.yaml with its reason, so every warning there is explained.
        _keep = totals.GetProperty("errors").GetInt32() != 0 || totals.GetProperty("warnings").GetInt32() != 0;
        Assert.True(!_keep,
            $"redocly lint of {document}: {totals}\n{string.Join('\n', problems.Take(60))}\n{(problems.Count == 0 ? output : "")}");
    }

    [Fact]
    public async Task GeneratedTypeScriptClientTypeChecks()
    {
        var document = await ServedDocumentAsync();
        File.Copy(Path.Combine(NodeTools.Folder, "usage.ts"), Path.Combine(_work, "usage.ts"));

        _keep = true;
        var generate = await NodeTools.ToolAsync("openapi-typescript", document, "--output", Path.Combine(_work, "schema.d.ts"), "--redocly", Path.Combine(NodeTools.Folder, "redocly.yaml"));
        Assert.True(generate.ExitCode == 0, $"openapi-typescript failed ({generate.ExitCode}):\n{generate.Output}");

        var check = await NodeTools.ToolAsync(
            "tsc", "--noEmit", "--strict", "--target", "es2022", "--module", "esnext", "--moduleResolution", "bundler",
            "--skipLibCheck", "false", Path.Combine(_work, "usage.ts"));
        Assert.True(check.ExitCode == 0, $"tsc --noEmit on the client generated in {_work} failed ({check.ExitCode}):\n{check.Output}");
        _keep = false;
    }

    private async Task<string> ServedDocumentAsync()
    {
        await using var api = new ApiFactory(await postgres.Server.CreateDatabaseAsync("openapi"));
        using var client = api.CreateClient();
        var path = Path.Combine(_work, "openapi.json");
        await File.WriteAllTextAsync(path, await client.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative)));
        return path;
    }
}
