using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace M3CoreCRM.Silo.Hosting;

/// <summary>
/// Ports for servers this machine starts itself (its own PostgreSQL, test silos and hosts), chosen at random from a
/// band below Linux's ephemeral range (32768 and up): outgoing connections draw their local ports from that range, so
/// a port found free there may be taken again before its server binds it.
/// </summary>
public static class FreePorts
{
    /// <summary>
    /// A port in [<paramref name="from"/>, <paramref name="to"/>) that nobody listens on now and that
    /// <paramref name="accept"/> takes (for a caller that must not hand one out twice); after 100 misses, any free port.
    /// </summary>
    public static int InBand(int from, int to, Func<int, bool>? accept = null)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var candidate = RandomNumberGenerator.GetInt32(from, to);
            if (IsFree(candidate) && (accept?.Invoke(candidate) ?? true))
            {
                return candidate;
            }
        }

        while (true)
        {
            using var any = new TcpListener(IPAddress.Loopback, 0);
            any.Start();
            var port = ((IPEndPoint)any.LocalEndpoint).Port;
            if (accept?.Invoke(port) ?? true)
            {
                return port;
            }
        }
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
