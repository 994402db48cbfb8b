using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Enamel.Server.Hosting;

/// <summary>
/// CORS for browser viewers (e.g. OHIF on another origin): <see cref="EnamelOptions.CorsOrigins"/> may call with a bearer
/// token; <see cref="EnamelOptions.CorsCredentialOrigins"/> (each also an allowed origin) may in addition send credentials
/// (cookies, <c>fetch(..., { credentials: "include" })</c>). Preflights are cached by the browser for
/// <see cref="EnamelOptions.CorsMaxAgeSeconds"/>. CORS only relaxes the browser's same-origin rule: every request still
/// passes the access gate.
/// </summary>
internal sealed class CorsSetup(EnamelOptions options) : ICorsPolicyProvider
{
    private readonly CorsPolicy plain = Build(options, options.CorsOrigins, credentials: false);
    private readonly CorsPolicy? withCredentials = options.CorsCredentialOrigins.Length > 0 ? Build(options, options.CorsCredentialOrigins, credentials: true) : null;
    private readonly HashSet<string> credentialOrigins = new(options.CorsCredentialOrigins.Select(Normalize), StringComparer.OrdinalIgnoreCase);

    public static bool Enabled(EnamelOptions options) => options.CorsOrigins.Length > 0 || options.CorsCredentialOrigins.Length > 0;

    /// <summary>Refuses settings that would open more than intended: a wildcard, a path, or a credentials origin that is not an http(s) origin.</summary>
    public static void Validate(EnamelOptions options)
    {
        if (options.CorsMaxAgeSeconds is < 0 or > 86400)
            throw new InvalidOperationException($"Enamel:CorsMaxAgeSeconds {options.CorsMaxAgeSeconds} must be 0..86400");
        foreach (var origin in options.CorsOrigins.Concat(options.CorsCredentialOrigins))
        {
            if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http") || uri.AbsolutePath != "/" || uri.Query.Length > 0
                || origin.Contains('*', StringComparison.Ordinal))
                throw new InvalidOperationException($"Enamel:CorsOrigins/CorsCredentialOrigins entry '{origin}' is not an origin such as https://viewer.clinic.example (scheme, host and port only, no wildcard)");
        }
    }

    public Task<CorsPolicy?> GetPolicyAsync(HttpContext context, string? policyName)
    {
        var origin = context.Request.Headers.Origin.ToString();
        return Task.FromResult<CorsPolicy?>(withCredentials is not null && credentialOrigins.Contains(Normalize(origin)) ? withCredentials : plain);
    }

    private static CorsPolicy Build(EnamelOptions options, IEnumerable<string> origins, bool credentials)
    {
        var b = new CorsPolicyBuilder().WithOrigins([.. origins.Select(Normalize)]).AllowAnyHeader().AllowAnyMethod()
            .WithExposedHeaders("Content-Type", "Content-Length", "Warning")
            .SetPreflightMaxAge(TimeSpan.FromSeconds(options.CorsMaxAgeSeconds));
        if (credentials) b.AllowCredentials();
        return b.Build();
    }

    private static string Normalize(string origin) => origin.TrimEnd('/');

    public static void Add(IServiceCollection services, EnamelOptions options)
    {
        Validate(options);
        services.AddCors();
        services.AddSingleton<ICorsPolicyProvider>(new CorsSetup(options));
    }
}
