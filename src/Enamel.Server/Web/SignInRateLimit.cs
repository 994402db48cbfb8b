using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;
using Enamel.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;

namespace Enamel.Server.Web;

/// <summary>
/// Per-source-address limit on the requests that check a password or code (POST /signin, /signin/code,
/// /account/password): a fixed window of <see cref="EnamelOptions.SignInAttemptsPerWindow"/> per
/// <see cref="EnamelOptions.SignInWindowSeconds"/>, answered 429 with Retry-After. It sits on top of the per-account
/// lockout in <see cref="Core.Accounts.SignIn"/> (which stops guessing one account) and stops one address from spraying
/// many accounts or burning CPU on Argon2. IPv6 clients are counted per /64 (one host usually owns a whole /64).
/// </summary>
internal static class SignInRateLimit
{
    public const string Policy = "signin";

    public static void Add(IServiceCollection services, EnamelOptions options)
    {
        if (options.SignInAttemptsPerWindow < 1 || options.SignInWindowSeconds < 1)
            throw new InvalidOperationException("Enamel:SignInAttemptsPerWindow and Enamel:SignInWindowSeconds must be at least 1");
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.AddPolicy(Policy, http => RateLimitPartition.GetFixedWindowLimiter(Partition(http.Connection.RemoteIpAddress), _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = options.SignInAttemptsPerWindow,
                Window = TimeSpan.FromSeconds(options.SignInWindowSeconds),
                QueueLimit = 0,
                AutoReplenishment = true,
            }));
            limiter.OnRejected = async (context, ct) =>
            {
                var seconds = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
                    ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)) : options.SignInWindowSeconds;
                context.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                await WebPage.Problem("Problem.TooManyAttempts", new Message("Problem.TooManyAttemptsText", seconds),
                    StatusCodes.Status429TooManyRequests).ExecuteAsync(context.HttpContext);
            };
        });
    }

    private static string Partition(IPAddress? address)
    {
        if (address is null) return "";
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return address.ToString();
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }
}
