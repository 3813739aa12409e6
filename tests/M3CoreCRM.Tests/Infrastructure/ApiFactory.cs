using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace M3CoreCRM.Tests.Infrastructure;

/// <summary>The real ApiHost on Kestrel at a free loopback port, against the given database.</summary>
public sealed class ApiFactory : WebApplicationFactory<Program>
{
    private readonly string _connectionString;

    public ApiFactory(string connectionString)
    {
        _connectionString = connectionString;
        UseKestrel(0);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.UseSetting("ConnectionStrings:Postgres", _connectionString);
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
    }
}
