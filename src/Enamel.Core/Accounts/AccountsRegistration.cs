using Microsoft.Extensions.DependencyInjection;

namespace Enamel.Core.Accounts;

/// <summary>The accounts domain for `enamel serve` and the CLI alike; needs the account ports (users, sessions, tokens), <see cref="Access.AccessPolicy"/> (the account verbs decide for themselves), <see cref="SecretProtector"/>, the audit log and a <see cref="TimeProvider"/>.</summary>
public static class AccountsRegistration
{
    public static IServiceCollection AddEnamelAccounts(this IServiceCollection services, AccountOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton(new PasswordHasher());
        services.AddSingleton<Sessions>();
        services.AddSingleton<SignIn>();
        services.AddSingleton<SignOut>();
        services.AddSingleton<UserAccounts>();
        services.AddSingleton<ApiTokens>();
        services.AddSingleton<CreateUser>();
        services.AddSingleton<DisableUser>();
        services.AddSingleton<ResetUserMfa>();
        services.AddSingleton<IssueApiToken>();
        services.AddSingleton<RevokeApiToken>();
        return services;
    }
}
