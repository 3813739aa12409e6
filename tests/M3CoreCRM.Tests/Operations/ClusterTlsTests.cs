using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using M3CoreCRM.Testing;
using M3CoreCRM.Tests.Infrastructure;

namespace M3CoreCRM.Tests.Operations;

/// <summary>
/// <c>Orleans:Tls:CertificatePath</c>: a Silo process whose gateway speaks TLS with the configured certificate, and an
/// ApiHost with <c>M3_SILO=remote</c> and the same certificate that serves requests through it.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ClusterTlsTests(PostgresFixture postgres) : IDisposable
{
    private const string Password = "pfx password of the test";
    private readonly string _directory = Directory.CreateTempSubdirectory("m3-tls-").FullName;

    [Fact]
    public async Task SiloAndRemoteApiHostTalkOverTlsWithTheConfiguredCertificate()
    {
        var (path, certificate) = SelfSignedCertificate();
        var database = await postgres.Server.CreateDatabaseAsync("tls");
        var gatewayPort = OrleansTestSettings.FreePort();
        var tls = new Dictionary<string, string>
        {
            ["ConnectionStrings__Postgres"] = database,
            ["Orleans__ClusterId"] = "tls-test",
            ["Orleans__Tls__CertificatePath"] = path,
            ["Orleans__Tls__CertificatePassword"] = Password,
        };
        await using var silo = await HostProcess.StartAsync("M3CoreCRM.Silo", new Dictionary<string, string>(tls) { ["Orleans__GatewayPort"] = gatewayPort.ToString(System.Globalization.CultureInfo.InvariantCulture) });

        // The gateway completes a TLS handshake, presenting the configured certificate.
        Assert.Equal(certificate.Thumbprint, await GatewayCertificateThumbprintAsync(gatewayPort, certificate));

        await using var api = await HostProcess.StartAsync("M3CoreCRM.ApiHost", new Dictionary<string, string>(tls)
        {
            ["M3_SILO"] = "remote",
            ["Auth__SigningKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48)),
        });
        using var http = new HttpClient { BaseAddress = api.Address };
        var tenant = await TenantSession.SignUpAsync(http);

        var renamed = await tenant.SendAsync(HttpMethod.Patch, "/api/v1/me", new { name = "Over TLS" });
        Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
        Assert.Equal("Over TLS", (await tenant.GetJsonAsync("/api/v1/me")).GetProperty("user").GetProperty("name").GetString());
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static async Task<string?> GatewayCertificateThumbprintAsync(int port, X509Certificate2 clientCertificate)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        await using var ssl = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false);
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            ClientCertificates = [clientCertificate],
            // The test's own self-signed certificate is the one trusted.
            RemoteCertificateValidationCallback = (_, remote, _, _) => remote is not null && remote.GetCertHashString() == clientCertificate.Thumbprint,
        });
        return ssl.RemoteCertificate is { } remote ? new X509Certificate2(remote).Thumbprint : null;
    }

    /// <summary>A self-signed certificate for server and client authentication, written as a password-protected PFX.</summary>
    private (string Path, X509Certificate2 Certificate) SelfSignedCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=m3crm-cluster", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        var pfx = created.Export(X509ContentType.Pfx, Password);
        var path = Path.Combine(_directory, "cluster.pfx");
        File.WriteAllBytes(path, pfx);
        return (path, X509CertificateLoader.LoadPkcs12(pfx, Password));
    }
}
