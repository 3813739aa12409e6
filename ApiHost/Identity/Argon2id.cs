using System.Runtime.InteropServices;
using System.Text;

namespace M3CoreCRM.ApiHost.Identity;

/// <summary>Argon2id cost settings (configuration section <c>Auth:Argon2</c>); the defaults are OWASP's minimum (19 MiB, 2 passes, 1 lane).</summary>
public sealed class Argon2Options
{
    public int MemoryKiB { get; set; } = 19 * 1024;

    public int Iterations { get; set; } = 2;
}

/// <summary>
/// Password hashing with Argon2id through libsodium's <c>crypto_pwhash_str</c>. The result is the
/// standard encoded string (<c>$argon2id$v=19$m=...,t=...,p=1$salt$hash</c>): the parameters travel
/// with each hash, so they can be raised later and old hashes still verify. Requests hash through the
/// <c>...Async</c> methods: at most one hash per core runs at a time and the rest wait without holding a thread,
/// so a burst of logins at the start of a shift neither starves other requests of threads nor thrashes memory
/// (each hash works through 19 MiB).
/// </summary>
public sealed partial class Argon2id : IDisposable
{
    private const string Library = "libsodium.so.23";
    private const int EncodedLength = 128; // crypto_pwhash_STRBYTES
    private const int AlgorithmArgon2id13 = 2;

    private readonly ulong _iterations;
    private readonly nuint _memoryBytes;

    static Argon2id()
    {
        if (SodiumInit() < 0)
        {
            throw new InvalidOperationException("libsodium could not be initialised.");
        }
    }

    private readonly string _decoy;
    private readonly SemaphoreSlim _slots = new(Environment.ProcessorCount, Environment.ProcessorCount);

    public Argon2id(Argon2Options options)
    {
        _iterations = (ulong)options.Iterations;
        _memoryBytes = (nuint)options.MemoryKiB * 1024;
        _decoy = Hash(Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)));
    }

    /// <summary>Costs what a verification costs and always fails: for logins of unknown accounts, so they take as long as wrong passwords.</summary>
    public async Task<bool> VerifyAgainstNothingAsync(string password, CancellationToken cancellationToken) =>
        await VerifyAsync(_decoy, password, cancellationToken) && false;

    public Task<string> HashAsync(string password, CancellationToken cancellationToken = default) =>
        InSlotAsync(() => Hash(password), cancellationToken);

    public Task<bool> VerifyAsync(string encodedHash, string password, CancellationToken cancellationToken = default) =>
        InSlotAsync(() => Verify(encodedHash, password), cancellationToken);

    private async Task<T> InSlotAsync<T>(Func<T> work, CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken);
        try
        {
            return work();
        }
        finally
        {
            _slots.Release();
        }
    }

    public void Dispose() => _slots.Dispose();

    public string Hash(string password)
    {
        var encoded = new byte[EncodedLength];
        var secret = Encoding.UTF8.GetBytes(password);
        if (PasswordHashString(encoded, secret, (ulong)secret.Length, _iterations, _memoryBytes, AlgorithmArgon2id13) != 0)
        {
            throw new InvalidOperationException("Argon2id hashing failed (out of memory?).");
        }

        return Encoding.ASCII.GetString(encoded, 0, Array.IndexOf(encoded, (byte)0));
    }

    public static bool Verify(string encodedHash, string password)
    {
        var encoded = new byte[EncodedLength];
        var length = Encoding.ASCII.GetBytes(encodedHash, encoded);
        if (length >= EncodedLength)
        {
            return false;
        }

        var secret = Encoding.UTF8.GetBytes(password);
        return PasswordVerify(encoded, secret, (ulong)secret.Length) == 0;
    }

    [LibraryImport(Library, EntryPoint = "sodium_init")]
    private static partial int SodiumInit();

    [LibraryImport(Library, EntryPoint = "crypto_pwhash_str_alg")]
    private static partial int PasswordHashString(byte[] output, byte[] password, ulong passwordLength, ulong opsLimit, nuint memLimit, int algorithm);

    [LibraryImport(Library, EntryPoint = "crypto_pwhash_str_verify")]
    private static partial int PasswordVerify(byte[] encoded, byte[] password, ulong passwordLength);
}
