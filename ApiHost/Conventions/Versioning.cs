using System.Globalization;
using M3CoreCRM.Runtime.Errors;

namespace M3CoreCRM.ApiHost.Conventions;

/// <summary><c>ETag: "&lt;version&gt;"</c> on reads; <c>If-Match</c> on writes (a stale one is 412 <c>version_mismatch</c>, checked in the grain).</summary>
public static class Versioning
{
    public static void SetETag(HttpResponse response, long version) => response.Headers.ETag = $"\"{version.ToString(CultureInfo.InvariantCulture)}\"";

    /// <summary>The version named by <c>If-Match</c>, or null when the header is absent or <c>*</c>.</summary>
    public static long? IfMatch(HttpRequest request)
    {
        var header = request.Headers.IfMatch.ToString();
        if (string.IsNullOrWhiteSpace(header) || header.Trim() == "*")
        {
            return null;
        }

        var value = header.Trim();
        if (value.StartsWith("W/", StringComparison.Ordinal))
        {
            value = value[2..];
        }

        return long.TryParse(value.Trim('"'), NumberStyles.None, CultureInfo.InvariantCulture, out var version)
            ? version
            : throw DomainException.Invalid("If-Match", "If-Match must be an ETag this API returned, such as \"3\".");
    }
}
