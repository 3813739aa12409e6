using System.Reflection;
using System.Xml.Linq;
using M3CoreCRM.ApiHost.Conventions;
using M3CoreCRM.ApiHost.Identity;
using M3CoreCRM.Silo.Hosting;
using M3CoreCRM.Silo.Storage;
using M3CoreCRM.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Hosting.Kubernetes;
using YamlDotNet.RepresentationModel;

namespace M3CoreCRM.Tests.Operations;

/// <summary>
/// <c>k8s/</c> against the code: every environment variable is a setting the code reads, the ports are the code's
/// defaults and the processes' <c>--urls</c>, the probes are paths the health endpoints map, the scrape annotations
/// name <c>/metrics</c> on an internal port, the pods run as the images' user, Orleans' Kubernetes hosting finds the
/// labels, variables and permissions it needs.
/// </summary>
public sealed class ManifestTests
{
    private readonly List<Node> _documents = Directory.GetFiles(ToolProcess.CheckoutFolder("k8s"), "*.yaml").SelectMany(Load).ToList();

    [Fact]
    public void EveryVariableAndConfigMapKeyIsASettingTheCodeReads()
    {
        var names = Containers().SelectMany(c => c.Container["env"].Items.Select(e => e["name"].Text))
            .Concat(ConfigMap()["data"].Keys)
            .Distinct()
            .ToList();

        Assert.Contains("ConnectionStrings__Postgres", names);
        Assert.Contains("Auth__SigningKey", names);
        Assert.All(names, name => Assert.True(IsSettingTheCodeReads(name), $"{name} is not a setting the code reads"));
    }

    [Fact]
    public void PortsAreTheCodesDefaultsAndTheProcessesAddresses()
    {
        var silo = Container("silo");
        Assert.Equal(EndpointOptions.DEFAULT_SILO_PORT, PortNamed(silo, "silo"));
        Assert.Equal(EndpointOptions.DEFAULT_GATEWAY_PORT, PortNamed(silo, "gateway"));
        Assert.Equal(UrlsPort(silo), PortNamed(silo, "http"));

        var api = Container("apihost");
        Assert.Equal(UrlsPort(api), PortNamed(api, "http"));
        var operationsUrls = Env(api, "Operations__Urls");
        Assert.Equal(Silo.Hosting.Operations.PortOf(operationsUrls), PortNamed(api, "operations"));
        Assert.NotEqual(PortNamed(api, "http"), PortNamed(api, "operations"));

        // The images declare the same ports (ContainerPort items of the csproj files).
        Assert.Equal(ContainerPorts("Silo/M3CoreCRM.Silo.csproj"), Ports(silo));
        Assert.Equal(ContainerPorts("ApiHost/M3CoreCRM.ApiHost.csproj"), Ports(api));

        // The silos' Service exposes their ports; the API's Service only the public one, never the operations port.
        Assert.Equal(Ports(silo), Service("silo")["spec"]["ports"].Items.Select(p => int.Parse(p["port"].Text, System.Globalization.CultureInfo.InvariantCulture)).ToHashSet());
        var apiTargets = Service("apihost")["spec"]["ports"].Items.Select(p => ResolvePort(api, p["targetPort"].Text)).ToList();
        Assert.Equal([PortNamed(api, "http")], apiTargets);
    }

    [Fact]
    public void ProbesAreTheHealthEndpointsOnThePortTheProcessListensOn()
    {
        var mapped = HealthRoutes();
        foreach (var (name, _, container) in Containers())
        {
            foreach (var probe in new[] { "readinessProbe", "livenessProbe" })
            {
                var get = container[probe]["httpGet"];
                Assert.Contains(get["path"].Text, mapped);
                Assert.Equal(UrlsPort(container), ResolvePort(container, get["port"].Text));
            }

            Assert.Equal("/health/ready", container["readinessProbe"]["httpGet"]["path"].Text);
            Assert.Equal("/health/live", container["livenessProbe"]["httpGet"]["path"].Text);
            Assert.False(string.IsNullOrEmpty(container["resources"]["requests"]["cpu"].Text), $"{name}: the autoscaler needs a CPU request");
        }
    }

    [Fact]
    public void MetricsAreScrapedOnTheInternalPortOnly()
    {
        foreach (var (name, pod, container) in Containers())
        {
            var annotations = pod["metadata"]["annotations"];
            Assert.Equal(Silo.Hosting.Operations.MetricsPath, annotations["prometheus.io/path"].Text);
            var port = int.Parse(annotations["prometheus.io/port"].Text, System.Globalization.CultureInfo.InvariantCulture);
            var expected = name == "silo" ? UrlsPort(container) : Silo.Hosting.Operations.PortOf(Env(container, "Operations__Urls"));
            Assert.Equal(expected, port);
        }
    }

    [Fact]
    public void SilosHaveWhatOrleansKubernetesHostingNeeds()
    {
        var deployment = Deployment("silo");
        var pod = deployment["spec"]["template"];
        var silo = Container("silo");
        var labels = pod["metadata"]["labels"];
        var config = ConfigMap()["data"];

        Assert.Equal(config["Orleans__ServiceId"].Text, labels[KubernetesHostingOptions.ServiceIdLabel].Text);
        Assert.Equal(config["Orleans__ClusterId"].Text, labels[KubernetesHostingOptions.ClusterIdLabel].Text);
        Assert.Equal($"metadata.labels['{KubernetesHostingOptions.ServiceIdLabel}']", FieldRef(silo, KubernetesHostingOptions.ServiceIdEnvironmentVariable));
        Assert.Equal($"metadata.labels['{KubernetesHostingOptions.ClusterIdLabel}']", FieldRef(silo, KubernetesHostingOptions.ClusterIdEnvironmentVariable));
        Assert.Equal("metadata.name", FieldRef(silo, KubernetesHostingOptions.PodNameEnvironmentVariable));
        Assert.Equal("metadata.namespace", FieldRef(silo, KubernetesHostingOptions.PodNamespaceEnvironmentVariable));
        Assert.Equal("status.podIP", FieldRef(silo, KubernetesHostingOptions.PodIPEnvironmentVariable));
        Assert.Equal("status.podIP", FieldRef(silo, "Orleans__AdvertisedIP"));

        // Its service account may watch and delete the pods.
        var account = pod["spec"]["serviceAccountName"].Text;
        Assert.Contains(Kind("ServiceAccount"), a => a["metadata"]["name"].Text == account);
        var binding = Assert.Single(Kind("RoleBinding"), b => b["subjects"].Items.Any(s => s["kind"].Text == "ServiceAccount" && s["name"].Text == account));
        var role = Assert.Single(Kind("Role"), r => r["metadata"]["name"].Text == binding["roleRef"]["name"].Text);
        var rule = Assert.Single(role["rules"].Items, r => r["resources"].Items.Any(x => x.Text == "pods"));
        Assert.Superset(new HashSet<string> { "get", "list", "watch", "delete" }, rule["verbs"].Items.Select(v => v.Text).ToHashSet());
    }

    [Fact]
    public void PodsRunAsTheImagesNonRootUserAndTheSecretsAreTheDocumentedOnes()
    {
        var readme = File.ReadAllText(ToolProcess.CheckoutFolder("k8s", "README.md"));
        foreach (var (name, pod, container) in Containers())
        {
            var project = name == "silo" ? "Silo/M3CoreCRM.Silo.csproj" : "ApiHost/M3CoreCRM.ApiHost.csproj";
            var user = XDocument.Load(ToolProcess.CheckoutFolder(project)).Descendants("ContainerUser").Single().Value;
            Assert.Equal("true", pod["spec"]["securityContext"]["runAsNonRoot"].Text);
            Assert.Equal(user, pod["spec"]["securityContext"]["runAsUser"].Text);
            Assert.NotEqual("0", user);

            foreach (var reference in container["env"].Items.Select(e => e["valueFrom"]["secretKeyRef"]).Where(r => r.Exists))
            {
                Assert.Contains($"--from-literal={reference["key"].Text}=", readme, StringComparison.Ordinal);
            }
        }

        Assert.Equal("dashboard-key", Container("silo")["env"].Items.Single(e => e["name"].Text == "Operations__DashboardKey")["valueFrom"]["secretKeyRef"]["key"].Text);
    }

    [Fact]
    public void DisruptionBudgetsAndAutoscalersCoverBothDeployments()
    {
        foreach (var name in new[] { "silo", "apihost" })
        {
            var labels = Deployment(name)["spec"]["template"]["metadata"]["labels"];
            var budget = Assert.Single(Kind("PodDisruptionBudget"), b => b["metadata"]["name"].Text == name);
            Assert.All(budget["spec"]["selector"]["matchLabels"].Entries, label => Assert.Equal(label.Value.Text, labels[label.Key].Text));
            var autoscaler = Assert.Single(Kind("HorizontalPodAutoscaler"), h => h["spec"]["scaleTargetRef"]["name"].Text == name);
            Assert.Equal("Deployment", autoscaler["spec"]["scaleTargetRef"]["kind"].Text);
            Assert.True(int.Parse(autoscaler["spec"]["minReplicas"].Text, System.Globalization.CultureInfo.InvariantCulture) >= 2);
        }
    }

    /// <summary>What the code reads: the options types' properties by reflection, the keys the hosting code names.</summary>
    private static bool IsSettingTheCodeReads(string variable)
    {
        string[] kubernetes =
        [
            KubernetesHostingOptions.PodNameEnvironmentVariable, KubernetesHostingOptions.PodNamespaceEnvironmentVariable,
            KubernetesHostingOptions.PodIPEnvironmentVariable, KubernetesHostingOptions.ServiceIdEnvironmentVariable,
            KubernetesHostingOptions.ClusterIdEnvironmentVariable,
        ];
        if (kubernetes.Contains(variable) || variable == SiloSetup.ModeKey || variable == Silo.Hosting.Operations.OtlpEndpointKey)
        {
            return true;
        }

        var key = variable.Split("__");
        return key switch
        {
            ["ConnectionStrings", PostgresStorageSetup.ConnectionStringName] => true,
            [Silo.Hosting.Operations.Section, "Urls" or "DashboardKey"] => true,
            [AuthOptions.Section, var property] => HasProperty<AuthOptions>(property),
            [RateLimitOptions.Section, var property] => HasProperty<RateLimitOptions>(property),
            // SiloSetup reads these by name (ConfigureMembership, Identify); ClusterHosting the TLS section.
            [SiloSetup.Section, "ClusterId" or "ServiceId" or "SiloPort" or "GatewayPort" or "AdvertisedIP" or "MembershipTable"] => true,
            [SiloSetup.Section, ClusterHosting.TlsSection, "CertificatePath" or "CertificatePassword"] => true,
            [SiloSetup.Section, "Membership", var property] => HasProperty<ClusterMembershipOptions>(property),
            [SiloSetup.Section, "Messaging", var property] => HasProperty<SiloMessagingOptions>(property),
            _ => false,
        };
    }

    private static bool HasProperty<T>(string name) =>
        typeof(T).GetProperty(name, BindingFlags.Public | BindingFlags.Instance) is { CanWrite: true };

    private static HashSet<string> HealthRoutes()
    {
        var builder = WebApplication.CreateBuilder();
        builder.Services.AddHealthChecks();
        var app = builder.Build();
        app.MapHealthApi();
        return ((IEndpointRouteBuilder)app).DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>()
            .Select(e => "/" + e.RoutePattern.RawText!.TrimStart('/')).ToHashSet();
    }

    private static HashSet<int> ContainerPorts(string project) =>
        XDocument.Load(ToolProcess.CheckoutFolder(project)).Descendants("ContainerPort")
            .Select(p => int.Parse(p.Attribute("Include")!.Value, System.Globalization.CultureInfo.InvariantCulture)).ToHashSet();

    private static HashSet<int> Ports(Node container) =>
        container["ports"].Items.Select(p => int.Parse(p["containerPort"].Text, System.Globalization.CultureInfo.InvariantCulture)).ToHashSet();

    private static int PortNamed(Node container, string name) =>
        int.Parse(container["ports"].Items.Single(p => p["name"].Text == name)["containerPort"].Text, System.Globalization.CultureInfo.InvariantCulture);

    private static int ResolvePort(Node container, string port) =>
        int.TryParse(port, out var number) ? number : PortNamed(container, port);

    /// <summary>The port of the <c>--urls</c> argument.</summary>
    private static int UrlsPort(Node container)
    {
        var args = container["args"].Items.Select(a => a.Text).ToList();
        return Silo.Hosting.Operations.PortOf(args[args.IndexOf("--urls") + 1]);
    }

    private static string Env(Node container, string name) => container["env"].Items.Single(e => e["name"].Text == name)["value"].Text;

    private static string FieldRef(Node container, string name) =>
        container["env"].Items.Single(e => e["name"].Text == name)["valueFrom"]["fieldRef"]["fieldPath"].Text;

    private IEnumerable<Node> Kind(string kind) => _documents.Where(d => d["kind"].Text == kind);

    private Node Deployment(string name) => Assert.Single(Kind("Deployment"), d => d["metadata"]["name"].Text == name);

    private Node Service(string name) => Assert.Single(Kind("Service"), d => d["metadata"]["name"].Text == name);

    private Node ConfigMap() => Assert.Single(Kind("ConfigMap"));

    private Node Container(string name) => Assert.Single(Deployment(name)["spec"]["template"]["spec"]["containers"].Items);

    private IEnumerable<(string Name, Node Pod, Node Container)> Containers() =>
        new[] { "silo", "apihost" }.Select(name => (name, Deployment(name)["spec"]["template"], Container(name)));

    private static IEnumerable<Node> Load(string path)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(path);
        stream.Load(reader);
        return stream.Documents.Where(d => d.RootNode is YamlMappingNode).Select(d => new Node(d.RootNode));
    }

    /// <summary>A YAML node read by path; a missing key reads as an empty node, so an assertion names what is wrong.</summary>
    private sealed class Node(YamlNode? node)
    {
        public bool Exists => node is not null;

        public string Text => (node as YamlScalarNode)?.Value ?? "";

        public Node this[string key] =>
            new(node is YamlMappingNode map && map.Children.TryGetValue(new YamlScalarNode(key), out var child) ? child : null);

        public IEnumerable<Node> Items => node is YamlSequenceNode sequence ? sequence.Children.Select(c => new Node(c)) : [];

        public IEnumerable<string> Keys => node is YamlMappingNode map ? map.Children.Keys.Select(k => ((YamlScalarNode)k).Value!) : [];

        public IEnumerable<(string Key, Node Value)> Entries =>
            node is YamlMappingNode map ? map.Children.Select(c => (((YamlScalarNode)c.Key).Value!, new Node(c.Value))) : [];

        public override string ToString() => node?.ToString() ?? "(missing)";
    }
}
