using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace Enamel.Dicom.Network;

/// <summary>
/// The SCP: accepts TCP (or TLS) connections and runs each association in its own sealed engine, up to
/// <see cref="DicomListenerOptions.MaxAssociations"/> at once (and within the per-AE, per-address and unknown-AE limits,
/// decided at A-ASSOCIATE-RQ). A failing association never affects the others.
/// </summary>
public sealed class DicomListener : IAsyncDisposable
{
    private readonly DicomListenerOptions options;
    private readonly TcpListener listener;
    private readonly CancellationTokenSource stopping = new();
    private readonly HashSet<Task> associations = [];
    private readonly Lock gate = new();
    private readonly AssociationSlots slots;
    private Task? acceptLoop;
    private int pendingConnections;
    private int nextId;

    public DicomListener(DicomListenerOptions options, IPAddress address, int port)
    {
        options.Validate();
        this.options = options;
        slots = new AssociationSlots(options);
        listener = new TcpListener(address, port);
    }

    /// <summary>The bound endpoint (useful after binding port 0).</summary>
    public IPEndPoint LocalEndPoint => (IPEndPoint)listener.LocalEndpoint;
    public int Port => LocalEndPoint.Port;

    /// <summary>Associations currently established or negotiating.</summary>
    public int ActiveAssociations => slots.Active;

    public static DicomListener Start(DicomListenerOptions options, int port = 0, IPAddress? address = null)
    {
        var l = new DicomListener(options, address ?? IPAddress.Loopback, port);
        l.Start();
        return l;
    }

    public void Start()
    {
        Directory.CreateDirectory(options.TempDirectory);
        listener.Start(backlog: 512);
        NetworkLog.Listening(options.Logger, listener.LocalEndpoint, options.AeTitle, options.Tls is not null);
        acceptLoop = AcceptLoopAsync(stopping.Token);
    }

    private async Task AcceptLoopAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            Socket socket;
            try { socket = await listener.AcceptSocketAsync(ct).ConfigureAwait(false); }
            catch (OperationCanceledException) { return; }
            catch (ObjectDisposedException) { return; }
            catch (SocketException ex)
            {
                NetworkLog.Refused(options.Logger, null, "accept failed: " + ex.SocketErrorCode);
                continue;
            }
            socket.NoDelay = true;
            if (Interlocked.Increment(ref pendingConnections) > options.MaxPendingConnections)
            {
                Interlocked.Decrement(ref pendingConnections);
                NetworkLog.Refused(options.Logger, socket.RemoteEndPoint, $"more than {options.MaxPendingConnections} connections negotiating");
                socket.Dispose();
                continue;
            }
            var task = RunConnectionAsync(socket, ct);
            lock (gate) associations.Add(task);
            _ = task.ContinueWith(t => { lock (gate) associations.Remove(t); }, TaskScheduler.Default);
        }
    }

    private async Task RunConnectionAsync(Socket socket, CancellationToken ct)
    {
        await Task.Yield();
        int id = Interlocked.Increment(ref nextId);
        EndPoint? remote = socket.RemoteEndPoint;
        AssociationSlots.Slot? slot = null;
        bool pending = true;
        (AssociateReject? Reject, string Why) Admit(string callingAe)
        {
            Interlocked.Decrement(ref pendingConnections);
            pending = false;
            (slot, var reject, var why) = slots.TryTake(callingAe, remote);
            return (reject, why);
        }
        try
        {
            Stream stream;
            try { stream = await TransportSecurity.ServerAsync(socket, options.Tls, options.ArtimTimeout, ct).ConfigureAwait(false); }
            catch (Exception ex) when (ex is IOException or System.Security.Authentication.AuthenticationException or OperationCanceledException)
            {
                NetworkLog.Refused(options.Logger, remote, "TLS handshake failed: " + ex.Message);
                socket.Dispose();
                return;
            }
            await new AssociationEngine(options, id, remote, Admit).RunAsync(stream, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Last line of defence for this connection only: log type and message (no data), keep serving others.
            NetworkLog.Aborted(options.Logger, id, remote, "internal error: " + ex.GetType().Name + ": " + ex.Message);
            socket.Dispose();
        }
        finally
        {
            slot?.Dispose();
            if (pending) Interlocked.Decrement(ref pendingConnections);
        }
    }

    public async Task StopAsync()
    {
        await stopping.CancelAsync().ConfigureAwait(false);
        listener.Stop();
        if (acceptLoop is not null) await acceptLoop.ConfigureAwait(false);
        Task[] pending;
        lock (gate) pending = [.. associations];
        await Task.WhenAll(pending).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        stopping.Dispose();
    }
}
