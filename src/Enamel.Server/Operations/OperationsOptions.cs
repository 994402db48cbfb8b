using System.Net;

namespace Enamel.Server.Operations;

/// <summary>
/// <c>Enamel:Metrics</c>: who may scrape <c>/metrics</c>. Loopback always may (a Prometheus or agent on the same host);
/// <see cref="AllowedNetworks"/> adds the monitoring host's address or network. Everyone else is answered 404.
/// </summary>
public sealed class OperationsOptions
{
    public const string Section = "Enamel:Metrics";

    /// <summary>Addresses or CIDR networks besides loopback allowed to read <c>/metrics</c>, e.g. <c>["10.0.5.7", "10.0.6.0/24"]</c>.</summary>
    public string[] AllowedNetworks { get; set; } = [];

    internal IReadOnlyList<IPNetwork> Networks() =>
    [
        .. AllowedNetworks.Select(n => IPNetwork.TryParse(n, out var network) ? network
            : IPAddress.TryParse(n, out var a) ? new IPNetwork(a, a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128)
            : throw new InvalidOperationException($"{Section}:AllowedNetworks entry '{n}' is neither an IP address nor a CIDR network")),
    ];

    internal static bool Allows(IReadOnlyList<IPNetwork> networks, IPAddress? caller)
    {
        if (caller is null) return false;
        if (caller.IsIPv4MappedToIPv6) caller = caller.MapToIPv4();
        return IPAddress.IsLoopback(caller) || networks.Any(n => n.Contains(caller));
    }
}
