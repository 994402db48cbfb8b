using System.Globalization;
using Enamel.Core.Access;
using Enamel.Core.Accounts;
using Enamel.Core.Studies;
using Enamel.Server.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Enamel.Server.Access;

/// <summary>
/// Who is calling an HTTP endpoint: an API token (<c>Authorization: Bearer …</c>) or a session cookie. No actor, no access.
/// </summary>
internal sealed class RequestAuthentication(ApiTokens tokens, Sessions sessions)
{
    public const string SessionCookie = "__Host-enamel-session";

    public async Task<Actor?> AuthenticateAsync(HttpContext http)
    {
        var source = http.Connection.RemoteIpAddress?.ToString() ?? "";
        var header = http.Request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return await tokens.AuthenticateAsync(header["Bearer ".Length..].Trim(), source, http.RequestAborted);
        if (http.Request.Cookies.TryGetValue(SessionCookie, out var session) && session is { Length: > 0 })
            return (await sessions.ValidateAsync(session, http.RequestAborted))?.ToActor(source);
        return null;
    }
}

/// <summary>
/// The HTTP side of the one policy decision point, run for every routed request after routing. Public endpoints pass;
/// every other endpoint authenticates (401 without credentials); a record operation is then decided by
/// <see cref="AccessPolicy"/> (which audits allow and deny alike), scoped to the study's patient when the request names a
/// study. An endpoint mapped without an <see cref="EndpointAccess"/> marker is refused: deny by default.
/// </summary>
internal static class AccessGate
{
    public const string PurposeHeader = "X-Purpose-Of-Use";

    public static async Task InvokeAsync(HttpContext http, Func<Task> next)
    {
        var endpoint = http.GetEndpoint();
        if (endpoint is null) { await next(); return; } // no route: 404 from the framework, nothing to reach
        if (IsMethodRejection(endpoint))
        {
            // Not one we mapped: the router's own answer when the path exists but not for this method (405 with an Allow
            // header naming the methods that do). It runs no code of ours and reaches nothing; a wrong method is the
            // caller's mistake, not a server defect, so no error is logged.
            await next();
            return;
        }
        var access = endpoint.Metadata.GetMetadata<EndpointAccess>();
        if (access is PublicEndpoint) { await next(); return; }
        if (access is null)
        {
            http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Enamel.Access")
                .LogError("endpoint {Endpoint} has no access policy: refused", endpoint.DisplayName);
            await Results.Problem(statusCode: StatusCodes.Status403Forbidden, detail: "this endpoint has no access policy").ExecuteAsync(http);
            return;
        }

        var services = http.RequestServices;
        var actor = await services.GetRequiredService<RequestAuthentication>().AuthenticateAsync(http);
        if (actor is null)
        {
            http.Response.Headers.WWWAuthenticate = "Bearer realm=\"enamel\"";
            await Results.Problem(statusCode: StatusCodes.Status401Unauthorized,
                detail: "authentication required: send an API token (Authorization: Bearer …) or sign in").ExecuteAsync(http);
            return;
        }
        http.Features.Set(actor);
        if (access is OperationEndpoint operation && await DecideAsync(http, actor, operation) is { } refusal)
        {
            await refusal.ExecuteAsync(http);
            return;
        }
        await next();
    }

    /// <summary>The framework's display name of the endpoint its router selects when a path matches but the method does not.</summary>
    internal const string MethodRejectionName = "405 HTTP Method Not Supported";

    /// <summary>
    /// The router's synthetic 405 endpoint: not a <see cref="RouteEndpoint"/> (everything we map is one), no metadata, and the
    /// framework's name for it. Anything else without a marker, mapped or not, is still refused.
    /// </summary>
    internal static bool IsMethodRejection(Endpoint endpoint) =>
        endpoint is not RouteEndpoint && endpoint.Metadata.Count == 0 && endpoint.DisplayName == MethodRejectionName;

    /// <summary>Null when allowed; otherwise the response that refuses the request.</summary>
    private static async Task<IResult?> DecideAsync(HttpContext http, Actor actor, OperationEndpoint endpoint)
    {
        if (!TryPurpose(http, out var purpose))
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest,
                detail: $"{PurposeHeader} must be exactly one of {PurposeCodes.Accepted}, once (no numbers, no lists)");
        http.Features.Set(new StatedPurpose(purpose));
        var services = http.RequestServices;
        var policy = services.GetRequiredService<AccessPolicy>();
        var study = http.Request.RouteValues["study"] as string
            ?? (endpoint.StudyQueryParameter is { } p ? http.Request.Query[p].ToString() : null);
        var index = services.GetRequiredService<IStudyIndex>();
        var routePatient = http.Request.RouteValues["patient"] as string;
        // The record the route names (a study, or a patient by key): it exists or not, and it may be beyond the caller's reach.
        bool names = endpoint.Scope != EndpointScope.EachInstance && (!string.IsNullOrEmpty(study) || routePatient is not null);
        bool missing = false;
        StudyPatient? owner = null;
        if (endpoint.Scope != EndpointScope.EachInstance)
        {
            if (!string.IsNullOrEmpty(study)) owner = await index.FindStudyPatientAsync(study, http.RequestAborted);
            // A patient named by key in the route (/api/patients/{patient}/…): an unknown key is decided as no patient.
            else if (routePatient is not null && long.TryParse(routePatient, CultureInfo.InvariantCulture, out var key))
                owner = await index.FindPatientByKeyAsync(key, http.RequestAborted) ?? new StudyPatient(key, "");
            missing = names && (owner is null || owner.Clinic.Length == 0);
        }
        if (endpoint.Scope != EndpointScope.Study && owner is null)
        {
            // A search (or ingest) naming no known study: decided for everything the caller reaches, which the endpoint applies.
            var search = await policy.SearchReachAsync(actor, endpoint.Operation, purpose, http.Request.Path.Value ?? "", http.RequestAborted);
            if (!search.Allowed)
                return Results.Problem(statusCode: StatusCodes.Status403Forbidden, detail: $"{endpoint.Operation} denied ({search.Decision.Rule})");
            http.Features.Set(search.Reach);
            return null;
        }
        string? named = endpoint.ClinicQueryParameter is { } cp && http.Request.Query[cp].ToString() is { Length: > 0 } c ? c : null;
        if (named is not null && !ClinicCode.IsValid(named))
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, detail: $"{endpoint.ClinicQueryParameter} must be a clinic code ({ClinicCode.Rule})");
        var clinic = owner is { Clinic.Length: > 0 } ? owner.Clinic : named ?? services.GetRequiredService<EnamelOptions>().Clinic;
        var scope = new ResourceScope(owner?.PatientKey, clinic) { Object = !string.IsNullOrEmpty(study) ? $"study {study}" : owner is { } o ? $"patient {o.PatientKey}" : http.Request.Path.Value ?? "" };
        var decision = await policy.DecideAsync(actor, endpoint.Operation, scope, purpose, http.RequestAborted);
        if (names && (decision.IsOutOfReach || (missing && decision.Allowed)))
        {
            // Not found and not yours answer alike: a search within a named study finds nothing, a read is 404.
            if (endpoint.Scope == EndpointScope.Search)
            {
                http.Features.Set(PatientReach.None);
                return null;
            }
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, detail: NotFoundOrNotYours);
        }
        if (decision.Allowed && owner is not null && endpoint.Scope == EndpointScope.Search)
            http.Features.Set(PatientReach.OnePatient(owner.PatientKey)); // the named study's patient, and only them
        return decision.Allowed ? null
            : Results.Problem(statusCode: StatusCodes.Status403Forbidden, detail: $"{endpoint.Operation} denied ({decision.Rule})");
    }

    /// <summary>The one answer for a named record that does not exist and for one beyond the caller's reach.</summary>
    public const string NotFoundOrNotYours = "no such record within your reach";

    private static bool TryPurpose(HttpContext http, out Purpose purpose)
    {
        purpose = Purpose.Treatment;
        var values = http.Request.Headers[PurposeHeader];
        if (values.Count == 0) return true; // not stated: treatment
        // One header line, one name: a repeated header would be joined into a list, which names no single purpose.
        return values.Count == 1 && PurposeCodes.TryParse(values[0], out purpose);
    }
}
