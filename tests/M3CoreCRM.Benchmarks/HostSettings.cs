namespace M3CoreCRM.Benchmarks;

internal static class HostSettings
{
    /// <summary>An ApiHost process under load: its own data folder, and no rate limit in the way of the load generator.</summary>
    public static Dictionary<string, string> ApiHost(string connectionString) => new()
    {
        ["ConnectionStrings__Postgres"] = connectionString,
        ["M3_DATA_DIR"] = Path.Combine(Path.GetTempPath(), $"m3-bench-api-{Guid.NewGuid():N}"),
        ["RateLimits__TenantPerSecond"] = "10000000",
        // Load tenants hold more leads, units and users than a free plan allows.
        ["Billing__DefaultPlan"] = "enterprise",
        ["RateLimits__UserPerSecond"] = "10000000",
        ["RateLimits__AuthPerAddressPerMinute"] = "10000000",
    };
}
