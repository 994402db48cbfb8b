using Microsoft.Extensions.DependencyInjection;

namespace Enamel.Core.Keys;

/// <summary>Key management verbs; needs <see cref="IMasterKeyVault"/> and the audit checkpoint port.</summary>
public static class KeysRegistration
{
    public static IServiceCollection AddEnamelKeys(this IServiceCollection services)
    {
        services.AddSingleton<RotateMasterKey>();
        return services;
    }
}
