using System.Globalization;
using M3CoreCRM.Grains.Abstractions.Errors;

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

    /// <summary>
    /// A PATCH that merges the request into the record it read and writes the whole record back:
    /// fenced by <c>If-Match</c> when given, otherwise by the version it read, reading and merging
    /// again (up to 16 times) when another write came first, so no concurrent change is overwritten.
    /// </summary>
    public static async Task<T> MergeAsync<TCurrent, T>(HttpRequest request, Func<Task<TCurrent>> read, Func<TCurrent, long> versionOf, Func<TCurrent, long, Task<T>> write)
    {
        var ifMatch = IfMatch(request);
        for (var attempt = 1; ; attempt++)
        {
            var current = await read();
            try
            {
                return await write(current, ifMatch ?? versionOf(current));
            }
            catch (DomainException exception) when (ifMatch is null && exception.Code == "version_mismatch" && attempt < 16)
            {
            }
        }
    }
}
