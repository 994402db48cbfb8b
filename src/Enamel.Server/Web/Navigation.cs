using Enamel.Core.Access;
using Microsoft.Extensions.DependencyInjection;

namespace Enamel.Server.Web;

/// <summary>
/// One entry of the signed-in navigation: where it goes, the key of its label in <see cref="Strings"/>, and what the
/// actor must be permitted for it to be shown (<see cref="Operation"/> with one of <see cref="Reaches"/>; null for every
/// signed-in account). Showing is not opening: the endpoint behind it carries its own access marker and is decided per
/// request. A feature adds its entries with <see cref="NavigationRegistration.AddNavEntry"/>; <see cref="Order"/> sorts them.
/// </summary>
public sealed record NavEntry(string Href, string LabelKey, int Order, Operation? Operation = null, params RoleReach[] Reaches)
{
    /// <summary>Whether the actor with <paramref name="capabilities"/> is shown this entry.</summary>
    internal bool IsShownTo(Capabilities capabilities) => Operation is not { } op || capabilities.Permits(op, Reaches);
}

internal static class NavigationRegistration
{
    public static IServiceCollection AddNavEntry(this IServiceCollection services, NavEntry entry) => services.AddSingleton(entry);
}
