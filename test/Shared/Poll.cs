using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Enamel.TestShared;

/// <summary>
/// Waiting for a peer, a server or a log line: check, and check again every <c>interval</c> until the condition holds
/// or the bound passes. Never a fixed sleep: a fast machine does not wait, a slow one is not failed early, and a
/// condition that never holds fails with what was awaited.
/// </summary>
public static class Poll
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    /// <summary>True as soon as <paramref name="condition"/> holds; false once <paramref name="timeout"/> has passed without it.</summary>
    public static async Task<bool> UntilAsync(Func<Task<bool>> condition, TimeSpan? timeout = null, TimeSpan? interval = null)
    {
        var bound = Stopwatch.StartNew();
        while (true)
        {
            if (await condition()) return true;
            if (bound.Elapsed >= (timeout ?? DefaultTimeout)) return false;
            await Task.Delay(interval ?? TimeSpan.FromMilliseconds(50));
        }
    }

    public static Task<bool> UntilAsync(Func<bool> condition, TimeSpan? timeout = null, TimeSpan? interval = null) =>
        UntilAsync(() => Task.FromResult(condition()), timeout, interval);

    /// <summary>Waits until <paramref name="condition"/> holds; fails with <paramref name="what"/> when it never does.</summary>
    public static async Task EnsureAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        if (!await UntilAsync(condition, timeout)) throw new TimeoutException($"{what}: not after {(timeout ?? DefaultTimeout).TotalSeconds:0} s");
    }

    /// <summary>Waits until something accepts TCP connections on 127.0.0.1:<paramref name="port"/> (a peer that has just been started).</summary>
    public static Task PortOpenAsync(int port, TimeSpan? timeout = null) => EnsureAsync(() =>
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }, $"nothing listens on 127.0.0.1:{port}", timeout);
}
