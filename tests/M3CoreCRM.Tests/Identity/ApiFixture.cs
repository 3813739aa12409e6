using M3CoreCRM.Tests.Infrastructure;

namespace M3CoreCRM.Tests.Identity;

/// <summary>One ApiHost on its own database for a test class; tests isolate themselves by signing up tenants of their own.</summary>
public abstract class ApiTestBase(PostgresFixture postgres) : IAsyncLifetime
{
    private ApiFactory? _api;

    protected ApiFactory Api => _api!;

    protected HttpClient Http { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _api = new ApiFactory(await postgres.Server.CreateDatabaseAsync("identity"));
        Http = _api.CreateClient();
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await Api.DisposeAsync();
    }
}
