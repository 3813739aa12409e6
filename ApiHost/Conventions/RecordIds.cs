using System.Security.Cryptography;
using System.Text;
using M3CoreCRM.Grains.Abstractions.Errors;

namespace M3CoreCRM.ApiHost.Conventions;

/// <summary>
/// Ids of new records. A create sent with <c>Idempotency-Key</c> gets an id derived from the tenant, the caller, the key
/// and the request's hash, so that a retry after an answer that never came names the same record, and the record is
/// made once. For example, a 503 after a silo died may follow a first attempt that ran, and the idempotency store
/// keeps only successes. Without a key, an id is a fresh UUIDv7.
/// </summary>
public static class RecordIds
{
    private static readonly object SeedItem = new();

    /// <summary>Set by <see cref="IdempotencyMiddleware"/> once the request holds its key.</summary>
    internal static void UseKey(HttpContext context, Guid tenantId, string caller, string key, string requestHash) =>
        context.Items[SeedItem] = SHA256.HashData(Encoding.UTF8.GetBytes($"{tenantId:N}\n{caller}\n{key}\n{requestHash}"));

    /// <summary>The id of the <paramref name="kind"/> record this request creates.</summary>
    public static Guid New(HttpContext context, string kind)
    {
        if (context.Items[SeedItem] is not byte[] seed)
        {
            return Guid.CreateVersion7();
        }

        Span<byte> hash = stackalloc byte[32];
        HMACSHA256.HashData(seed, Encoding.UTF8.GetBytes(kind), hash);

        // RFC 9562 version 8 (vendor-specific): 122 bits of the hash, the version and the variant.
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash[..16], bigEndian: true);
    }

    /// <summary>
    /// Runs <paramref name="create"/>; when the record of a key-derived id exists already (the same request ran before
    /// and its answer was lost), answers with the record as it is instead of the conflict.
    /// </summary>
    public static async Task<T> CreateOnceAsync<T>(HttpContext context, Func<Task<T>> create, Func<Task<T>> read)
    {
        try
        {
            return await create();
        }
        catch (DomainException exception) when (IsDerived(context) && exception.Kind == DomainErrorKind.Conflict && exception.Code.EndsWith("_exists", StringComparison.Ordinal))
        {
            return await read();
        }
    }

    /// <summary>Whether this request's new ids derive from its <c>Idempotency-Key</c>.</summary>
    public static bool IsDerived(HttpContext context) => context.Items[SeedItem] is byte[];
}
