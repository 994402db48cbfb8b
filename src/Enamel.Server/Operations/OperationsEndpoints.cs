using System.Diagnostics;
using Enamel.Server.Access;
using Enamel.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Enamel.Server.Operations;

/// <summary>
/// What operators and their tools read:
/// <list type="bullet">
/// <item><c>GET /health/live</c> (the process answers) and <c>GET /health/ready</c> (database current, blob store writable,
/// keys readable; 503 when any is not) — public, for load balancers and orchestrators; they name checks and states only.</item>
/// <item><c>GET /metrics</c> — Prometheus text format; marked public for the gate (no account) but answered only to
/// loopback and <c>Enamel:Metrics:AllowedNetworks</c> (others get 404); no patient data, UIDs or user names in any label.</item>
/// <item><c>GET /openapi/v1.json</c> — the JSON API's description (<c>/api/…</c> and the health probes); for any signed-in
/// account (it holds no data, but an unauthenticated caller has no use for a map of the API).</item>
/// </list>
/// </summary>
public static class OperationsEndpoints
{
    public const string OpenApiPath = "/openapi/v1.json";

    public static IServiceCollection AddEnamelOperations(this IServiceCollection services, IConfiguration configuration)
    {
        var options = new OperationsOptions();
        configuration.GetSection(OperationsOptions.Section).Bind(options);
        services.AddSingleton(new MetricsReaders(options.Networks())); // validated at start

        services.AddMetrics();
        services.AddSingleton<EnamelMetrics>();
        services.AddSingleton<PrometheusExposition>();
        services.AddSingleton<StorageReadiness>();
        services.AddOpenApi("v1", o =>
        {
            o.ShouldInclude = d => d.RelativePath is { } p && (p.StartsWith("api/", StringComparison.Ordinal) || p.StartsWith("health", StringComparison.Ordinal));
            o.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = "Enamel JSON API";
                document.Info.Description = "Authenticate with an API token (Authorization: Bearer …) or a session cookie; every /api endpoint is decided by the access policy and audited.";
                return Task.CompletedTask;
            });
        });
        return services;
    }

    /// <summary>Outermost: times every request and counts it by route template (never the path: it carries UIDs) and final status.</summary>
    public static IApplicationBuilder UseRequestMetrics(this IApplicationBuilder app)
    {
        var metrics = app.ApplicationServices.GetRequiredService<EnamelMetrics>();
        return app.Use(async (http, next) =>
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                await next(http);
            }
            finally
            {
                var route = (http.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText is { } raw ? "/" + raw.TrimStart('/') : "(unmatched)";
                metrics.RecordRequest(route, http.Request.Method, http.Response.StatusCode, Stopwatch.GetElapsedTime(started));
            }
        });
    }

    public static IEndpointRouteBuilder MapOperations(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health/live", () => Results.Ok(new HealthReport("live", null))).Public().WithSummary("The process is up and answering");
        app.MapGet("/health/ready", ReadyAsync).Public().WithSummary("Database current, blob store writable, keys readable: 200, otherwise 503")
            .Produces<HealthReport>(StatusCodes.Status200OK).Produces<HealthReport>(StatusCodes.Status503ServiceUnavailable);
        app.MapGet("/metrics", Metrics).Public().ExcludeFromDescription();
        app.MapOpenApi(OpenApiPath).SignedIn(); // the one document, v1 (a literal path: no route value names another)
        var metrics = app.ServiceProvider.GetRequiredService<EnamelMetrics>();
        _ = app.ServiceProvider.GetRequiredService<PrometheusExposition>(); // listening from the start, not from the first scrape
        var dimse = app.ServiceProvider.GetRequiredService<Dimse.DimseService>();
        metrics.Observe("enamel_dimse_associations_active", "DIMSE associations holding a slot now", () => dimse.ActiveAssociations);
        metrics.Observe("enamel_dimse_spool_objects", "Objects received over DIMSE and spooled (in memory, or encrypted on disk), not yet through the ingest pipeline", () => dimse.SpooledObjects);
        return app;
    }

    private static async Task<IResult> ReadyAsync(StorageReadiness probe, CancellationToken ct)
    {
        var checks = await probe.CheckAsync(ct);
        bool ready = checks.All(c => c.Ok);
        var report = new HealthReport(ready ? "ready" : "not-ready", checks.ToDictionary(c => c.Check, c => c.Ok ? "ok" : "failing"));
        return Results.Json(report, statusCode: ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
    }

    private static IResult Metrics(HttpContext http, PrometheusExposition exposition, MetricsReaders readers)
    {
        if (!OperationsOptions.Allows(readers.Networks, http.Connection.RemoteIpAddress)) return Results.NotFound();
        return Results.Text(exposition.Render(), PrometheusExposition.ContentType);
    }
}

/// <summary>The networks besides loopback allowed to read <c>/metrics</c> (parsed once at start).</summary>
internal sealed record MetricsReaders(IReadOnlyList<System.Net.IPNetwork> Networks);

/// <summary>A health answer: a status and, for readiness, each check's state ("ok" or "failing").</summary>
public sealed record HealthReport(string Status, IReadOnlyDictionary<string, string>? Checks);
