using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Enamel.Server.Hosting;

/// <summary>
/// The outermost middleware: every response the application produces carries the browser-hardening headers, whatever
/// happens after it: a handler that clears the response, an unhandled exception (answered 500 with a problem document
/// that names nothing internal, never Kestrel's empty 500 without headers), or a request that is too large.
/// <para>
/// Kestrel answers some requests itself, before any middleware runs, with an empty response whose headers it resets
/// (no hook adds to them). For oversized requests we move that point out of reach of ordinary clients: Kestrel's own
/// ceilings (<see cref="KestrelRequestLineCeiling"/>, <see cref="KestrelHeadersCeiling"/>,
/// <see cref="KestrelHeaderCountCeiling"/>) are set well above the limits the application enforces here
/// (<see cref="MaxRequestTarget"/> → 414, <see cref="MaxRequestHeaderBytes"/> or <see cref="MaxRequestHeaderCount"/>
/// → 431, Kestrel's former defaults), so those refusals pass through this middleware and carry the headers. What is
/// left to Kestrel: requests beyond the ceilings and requests it cannot parse at all (400, Connection: close, no body).
/// </para>
/// </summary>
internal static class ResponseHardening
{
    public const int MaxRequestTarget = 8 * 1024;
    public const int MaxRequestHeaderBytes = 32 * 1024;
    public const int MaxRequestHeaderCount = 100;
    public const int KestrelRequestLineCeiling = 256 * 1024;
    public const int KestrelHeadersCeiling = 256 * 1024;
    public const int KestrelHeaderCountCeiling = 2000;

    private const string Csp = "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    /// <summary>HTTPS-only hardening: HSTS, no sniffing, no framing, no referrer leakage, a strict CSP, no caching.</summary>
    private static readonly (string Name, string Value)[] Headers =
    [
        ("Strict-Transport-Security", "max-age=31536000; includeSubDomains"),
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),
        ("Referrer-Policy", "no-referrer"),
        ("Content-Security-Policy", Csp),
        ("Cache-Control", "no-store"),
    ];

    public static void ConfigureLimits(KestrelServerLimits limits)
    {
        limits.MaxRequestLineSize = KestrelRequestLineCeiling;
        limits.MaxRequestHeadersTotalSize = KestrelHeadersCeiling;
        limits.MaxRequestHeaderCount = KestrelHeaderCountCeiling;
    }

    public static async Task InvokeAsync(HttpContext http, Func<Task> next)
    {
        var response = http.Response;
        Apply(response.Headers, overwrite: true);
        // Again just before the headers go out, for any that something downstream removed (Response.Clear(), a result
        // that resets headers); a value a handler chose on purpose is kept.
        response.OnStarting(static state =>
        {
            Apply(((HttpResponse)state).Headers, overwrite: false);
            return Task.CompletedTask;
        }, response);

        if (TooLarge(http.Request) is { } refusal)
        {
            if (HttpProtocol.IsHttp11(http.Request.Protocol) || HttpProtocol.IsHttp10(http.Request.Protocol))
                response.Headers.Connection = "close"; // as Kestrel does when it refuses a request itself
            await WriteProblemAsync(http, refusal.Status, refusal.Detail);
            return;
        }
        try
        {
            await next();
        }
        catch (Exception e) when (!response.HasStarted)
        {
            if (http.RequestAborted.IsCancellationRequested) return; // the client is gone: nobody to answer, nothing went wrong here
            var log = http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Enamel.Server");
            if (ErrorResponses.For(e) is { } known)
            {
                // One of Core's error kinds (e.g. a stored object that cannot be served): named, no patient data, never a cut 200.
                if (known.Status >= 500 || known.Status == StatusCodes.Status410Gone) log.LogError("request not served: {Detail}", known.Detail);
                response.Clear();
                Apply(response.Headers, overwrite: true);
                await WriteProblemAsync(http, known.Status, known.Detail);
                return;
            }
            int status = e is Microsoft.AspNetCore.Http.BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError;
            if (status >= 500)
                log.LogError(e, "unhandled exception in {Endpoint}", http.GetEndpoint()?.DisplayName ?? "(no endpoint)");
            else
                log.LogDebug("bad request ({Status}) in {Endpoint}", status, http.GetEndpoint()?.DisplayName ?? "(no endpoint)");
            response.Clear(); // whatever the handler had set, headers included
            Apply(response.Headers, overwrite: true);
            await WriteProblemAsync(http, status, status >= 500
                ? "the server could not complete this request; the error has been logged"
                : "the request could not be read");
        }
    }

    private static void Apply(IHeaderDictionary headers, bool overwrite)
    {
        foreach (var (name, value) in Headers)
            if (overwrite || !headers.ContainsKey(name)) headers[name] = value;
    }

    private static (int Status, string Detail)? TooLarge(HttpRequest request)
    {
        var target = request.HttpContext.Features.Get<IHttpRequestFeature>()?.RawTarget ?? "";
        if (target.Length > MaxRequestTarget)
            return (StatusCodes.Status414UriTooLong, $"the request target is longer than {MaxRequestTarget} characters");
        if (request.Headers.Count > MaxRequestHeaderCount)
            return (StatusCodes.Status431RequestHeaderFieldsTooLarge, $"more than {MaxRequestHeaderCount} request headers");
        long bytes = 0;
        foreach (var (name, values) in request.Headers)
            foreach (var value in values)
                bytes += name.Length + (value?.Length ?? 0) + 4; // "name: value\r\n"
        return bytes > MaxRequestHeaderBytes
            ? (StatusCodes.Status431RequestHeaderFieldsTooLarge, $"the request headers are larger than {MaxRequestHeaderBytes} bytes")
            : null;
    }

    /// <summary>An RFC 9457 problem document: status and a fixed sentence, never an exception message or stack.</summary>
    private static Task WriteProblemAsync(HttpContext http, int status, string detail)
    {
        http.Response.StatusCode = status;
        return http.Response.WriteAsJsonAsync(new { type = "about:blank", status, detail }, (System.Text.Json.JsonSerializerOptions?)null,
            "application/problem+json", CancellationToken.None);
    }
}
