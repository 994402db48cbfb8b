using Microsoft.Extensions.DependencyInjection;

namespace Enamel.Core.Access;

/// <summary>The one policy decision point and the access verbs, for `enamel serve` and the CLI alike.</summary>
public static class AccessRegistration
{
    public static IServiceCollection AddEnamelAccess(this IServiceCollection services)
    {
        services.AddSingleton<AccessPolicy>();
        services.AddSingleton<BreakGlass>();
        services.AddSingleton<DefineRole>();
        services.AddSingleton<ReviewBreakGlass>();
        return services;
    }
}
