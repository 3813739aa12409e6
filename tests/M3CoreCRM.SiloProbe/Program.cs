using M3CoreCRM.Grains.Abstractions.Tenancy;
using M3CoreCRM.Testing;
using M3CoreCRM.Testing.Grains;

namespace M3CoreCRM.SiloProbe;

/// <summary>
/// Usage: <c>M3CoreCRM.SiloProbe &lt;connection string&gt; &lt;tenant id&gt; &lt;counter key&gt;</c>.
/// Increments the counter for ever, printing <c>acknowledged N</c> after each write returns, until killed.
/// </summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Length != 3)
        {
            await Console.Error.WriteLineAsync("usage: M3CoreCRM.SiloProbe <connection string> <tenant id> <counter key>");
            return 2;
        }

        await using var silo = await TestSilo.StartAsync(args[0]);
        var counter = silo.Grains.GetGrain<ICounterGrain>(Guid.Parse(args[1]), Guid.Parse(args[2]));
        while (true)
        {
            var value = await counter.IncrementAsync();
            Console.WriteLine($"acknowledged {value}");
        }
    }
}
