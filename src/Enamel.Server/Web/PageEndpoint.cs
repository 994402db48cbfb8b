using Microsoft.AspNetCore.Builder;

namespace Enamel.Server.Web;

/// <summary>
/// Marks an endpoint as a page a person opens in a browser (besides its access marker): a browser that opens it without
/// a live session is sent to /signin and brought back afterwards (<see cref="WebEndpoints.SendBrowsersToSignIn"/>)
/// instead of getting the gate's 401 problem document.
/// </summary>
public sealed record PageEndpoint
{
    public static PageEndpoint Instance { get; } = new();
}

public static class PageEndpointExtensions
{
    public static TBuilder AsPage<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(PageEndpoint.Instance);
}
