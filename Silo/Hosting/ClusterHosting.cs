using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Orleans.Connections.Security;

namespace M3CoreCRM.Silo.Hosting;

/// <summary>
/// Where the silos run and how their connections are protected: Orleans' Kubernetes hosting when the process runs in a
/// pod, and TLS on the silo-to-silo and client-to-gateway connections when <c>Orleans:Tls:CertificatePath</c> names
/// a certificate.
/// </summary>
public static class ClusterHosting
{
    /// <summary>Kubernetes sets it in every container: its presence is what says "in a pod".</summary>
    public const string KubernetesServiceHostKey = "KUBERNETES_SERVICE_HOST";

    /// <summary>
    /// The section of the TLS settings under <c>Orleans</c>: <c>CertificatePath</c> (a PKCS#12 file with the private
    /// key) and <c>CertificatePassword</c>.
    /// </summary>
    public const string TlsSection = "Tls";

    /// <summary>Kubernetes hosting (in a pod) and TLS (when configured) on a silo.</summary>
    internal static ISiloBuilder ConfigureM3ClusterHosting(this ISiloBuilder silo, IConfiguration configuration)
    {
        if (!string.IsNullOrEmpty(configuration[KubernetesServiceHostKey]))
        {
            // Silo name from POD_NAME; ORLEANS_SERVICE_ID/ORLEANS_CLUSTER_ID (the pod's labels) override Orleans:ServiceId/ClusterId;
            // the agent watches the pods of the cluster so a deleted pod's silo is declared dead at once.
            silo.UseKubernetesHosting();
        }

        if (LoadCertificate(configuration) is { } certificate)
        {
            silo.UseTls(certificate, options => Configure(options, certificate));
        }

        return silo;
    }

    /// <summary>TLS (when configured) on an Orleans client's connections to the gateways.</summary>
    internal static IClientBuilder ConfigureM3ClusterHosting(this IClientBuilder client, IConfiguration configuration)
    {
        if (LoadCertificate(configuration) is { } certificate)
        {
            client.UseTls(certificate, options => Configure(options, certificate));
        }

        return client;
    }

    /// <summary>The certificate of <c>Orleans:Tls:CertificatePath</c>, or null when TLS is not asked for.</summary>
    public static X509Certificate2? LoadCertificate(IConfiguration configuration)
    {
        var tls = configuration.GetSection(SiloSetup.Section).GetSection(TlsSection);
        if (tls["CertificatePath"] is not { Length: > 0 } path)
        {
            return null;
        }

        try
        {
            return X509CertificateLoader.LoadPkcs12FromFile(path, tls["CertificatePassword"]);
        }
        catch (CryptographicException exception)
        {
            // The path is an operator's setting; the password is not repeated.
            throw new InvalidOperationException($"{SiloSetup.Section}:{TlsSection}:CertificatePath: {path} could not be read as a PKCS#12 certificate with the configured password.", exception);
        }
    }

    /// <summary>
    /// Mutual TLS: both sides present the certificate and require one from the other. A peer is accepted when its
    /// certificate validates against the machine's trust store, or is the cluster's own certificate (the usual case:
    /// one certificate, or one self-signed certificate, shared by the silos and API hosts of a cluster).
    /// </summary>
    private static void Configure(TlsOptions options, X509Certificate2 certificate)
    {
        options.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
        options.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
        options.RemoteCertificateValidation = (remote, _, errors) =>
            errors == SslPolicyErrors.None || (remote is not null && remote.RawDataMemory.Span.SequenceEqual(certificate.RawDataMemory.Span));
    }
}
