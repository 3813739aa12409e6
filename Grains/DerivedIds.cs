using System.Security.Cryptography;
using System.Text;

namespace M3CoreCRM.Grains;

/// <summary>
/// Ids that are the same every time they are worked out, so that doing something again (a retried
/// conversion, a re-dispatched event) finds what the first attempt made instead of making it twice.
/// They are shaped as UUID version 7: the time bits come from a moment the caller chooses (so ids still
/// sort by time), the rest from a hash of what the id stands for.
/// </summary>
public static class DerivedIds
{
    public static Guid Create(long unixMilliseconds, string meaning)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(meaning));
        var bytes = new byte[16];
        for (var i = 0; i < 6; i++)
        {
            bytes[i] = (byte)(unixMilliseconds >> (8 * (5 - i)));
        }

        hash.AsSpan(0, 10).CopyTo(bytes.AsSpan(6));
        bytes[6] = (byte)(0x70 | (bytes[6] & 0x0F));
        bytes[8] = (byte)(0x80 | (bytes[8] & 0x3F));
        return new Guid(bytes, bigEndian: true);
    }

    /// <summary>
    /// An id for something that brings no moment of its own (a provider's message or call id): every bit but the
    /// version and variant comes from the hash of <paramref name="meaning"/>, so it is the same on every replay.
    /// </summary>
    public static Guid Create(string meaning)
    {
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes(meaning)).AsSpan(0, 16).ToArray();
        bytes[6] = (byte)(0x70 | (bytes[6] & 0x0F));
        bytes[8] = (byte)(0x80 | (bytes[8] & 0x3F));
        return new Guid(bytes, bigEndian: true);
    }

    /// <summary>The time bits of a version-7 id, in Unix milliseconds.</summary>
    public static long UnixMillisecondsOf(Guid versionSeven)
    {
        var bytes = versionSeven.ToByteArray(bigEndian: true);
        long millis = 0;
        for (var i = 0; i < 6; i++)
        {
            millis = (millis << 8) | bytes[i];
        }

        return millis;
    }
}
