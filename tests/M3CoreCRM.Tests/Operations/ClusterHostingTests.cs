using M3CoreCRM.Silo.Hosting;
using M3CoreCRM.Silo.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;

namespace M3CoreCRM.Tests.Operations;

/// <summary>The wiring that needs a Kubernetes API or a container to run for real, checked on the host's services and settings.</summary>
public sealed class ClusterHostingTests
{
    [Fact]
    public void SiloTurnsOnOrleansKubernetesHostingOnlyInAPod()
    {
        Assert.True(HasKubernetesAgent(new() { [ClusterHosting.KubernetesServiceHostKey] = "10.96.0.1" }));
        Assert.False(HasKubernetesAgent(new()));
    }

    [Fact]
    public void ApiHostOperationsAddressesComeBesideThePublicOnesKestrelWouldHaveUsed()
    {
        Assert.Equal(["http://0.0.0.0:8080"], Silo.Hosting.Operations.PublicUrls(Configuration(new() { ["urls"] = "http://0.0.0.0:8080" })));
        // The .NET images set ASPNETCORE_HTTP_PORTS=8080.
        Assert.Equal(["http://*:8080"], Silo.Hosting.Operations.PublicUrls(Configuration(new() { ["http_ports"] = "8080" })));
        Assert.Equal(["http://localhost:5000"], Silo.Hosting.Operations.PublicUrls(Configuration(new())));
        Assert.Equal(9090, Silo.Hosting.Operations.PortOf("http://+:9090"));
        Assert.Throws<InvalidOperationException>(() => Silo.Hosting.Operations.PortOf("http://0.0.0.0"));
    }

    private static bool HasKubernetesAgent(Dictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>(settings)
        {
            [$"ConnectionStrings:{PostgresStorageSetup.ConnectionStringName}"] = "Host=127.0.0.1;Database=unused",
            [$"{SiloSetup.Section}:MembershipTable"] = "postgres",
        });
        builder.AddM3Operations(everyAddressIsInternal: true);
        builder.AddM3Postgres();
        builder.AddM3Silo();
        return builder.Services.Any(service => service.ImplementationType?.FullName == "Orleans.Hosting.Kubernetes.KubernetesClusterAgent");
    }

    private static IConfiguration Configuration(Dictionary<string, string?> settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
}
