
namespace M3CoreCRM.Grains;

/// <summary>Optimistic concurrency for callers: an <c>If-Match</c> version that is no longer current is 412 <c>version_mismatch</c>.</summary>
public static class Concurrency
{
    public const string VersionMismatch = "version_mismatch";

    public static void Check(long currentVersion, long? expectedVersion)
    {
        if (expectedVersion is { } expected && expected != currentVersion)
        {
            throw new DomainException(DomainErrorKind.Conflict, VersionMismatch, $"The record is at version {currentVersion}, not {expected}.");
        }
    }
}
