namespace M3CoreCRM.Tests.Web;

/// <summary>The web app's static checks and unit tests, as its scripts run them: no server needed.</summary>
public sealed class WebCheckTests : IAsyncLifetime
{
    public Task InitializeAsync() => WebTools.EnsureInstalledAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task LintFormattingAndTypesAreClean()
    {
        var eslint = await WebTools.ToolAsync("eslint", ["--max-warnings", "0", "."]);
        Assert.True(eslint.ExitCode == 0, $"eslint in web/ ({eslint.ExitCode}):\n{eslint.Output}");

        var prettier = await WebTools.ToolAsync("prettier", ["--check", "."]);
        Assert.True(prettier.ExitCode == 0, $"prettier --check in web/ (fix with `npm run format`) ({prettier.ExitCode}):\n{prettier.Output}");

        var tsc = await WebTools.ToolAsync("tsc", ["--noEmit"]);
        Assert.True(tsc.ExitCode == 0, $"tsc --noEmit in web/ ({tsc.ExitCode}):\n{tsc.Output}");
    }

    [Fact]
    public async Task VitestUnitTestsPass()
    {
        var vitest = await WebTools.ToolAsync("vitest", ["run"]);
        Assert.True(vitest.ExitCode == 0, $"vitest run in web/ ({vitest.ExitCode}):\n{vitest.Output}");
        Assert.Matches(@"Tests\s+\d+ passed", vitest.Output);
        Assert.DoesNotMatch(@"\d+ (skipped|todo)", vitest.Output);
    }
}
