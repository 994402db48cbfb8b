using System.Net;
using System.Net.Sockets;
using Enamel.Server.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Enamel.Server.DicomWeb;

/// <summary>
/// The base of URLs the server hands out (Retrieve URL, bulk data URIs): <see cref="EnamelOptions.PublicUrl"/> when
/// configured, else the address and port this connection reached. Never the request's Host header, which the client
/// writes: echoing it would let anyone plant their own host in a response other software follows.
/// </summary>
internal static class PublicBase
{
    public static string DicomWeb(HttpContext http) => Of(http) + DicomWebEndpoints.Prefix;

    public static string Of(HttpContext http)
    {
        if (http.RequestServices.GetService<EnamelOptions>()?.PublicUrl is { Length: > 0 } configured) return configured.TrimEnd('/');
        var local = http.Connection.LocalIpAddress ?? IPAddress.Loopback;
        if (local.IsIPv4MappedToIPv6) local = local.MapToIPv4();
        var host = local.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{local}]" : local.ToString();
        return $"https://{host}:{http.Connection.LocalPort}";
    }
}
