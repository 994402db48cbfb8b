using Enamel.Core.Access;
using Enamel.Core.Accounts;
using Enamel.Core.Records;
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
/// <see cref="AccessPolicy"/> (which audits allow and deny alike), scoped to the patient of the item the request names
/// (found by the owner resolver of the item's kind). An endpoint mapped without an <see cref="EndpointAccess"/> marker is refused: deny by default.
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
            await RefuseAsync(http, endpoint, Results.Problem(statusCode: StatusCodes.Status401Unauthorized,
                detail: "authentication required: send an API token (Authorization: Bearer …) or sign in"));
            return;
        }
        http.Features.Set(actor);
        if (access is OperationEndpoint operation && await DecideAsync(http, actor, operation) is { } refusal)
        {
            // A browser opening a page gets the refusal as a page (same status), not a problem document.
            if (refusal is IStatusCodeHttpResult { StatusCode: StatusCodes.Status403Forbidden or StatusCodes.Status404NotFound } refused && Web.WebPage.IsPageRequest(http))
                refusal = await Web.WebPage.RefuseAsync(http, refused.StatusCode!.Value);
            await RefuseAsync(http, endpoint, refusal);
            return;
        }
        await next();
    }

    /// <summary>A refusal as the endpoint's protocol writes errors (<see cref="IRefusalWriter"/>), else as it is.</summary>
    private static Task RefuseAsync(HttpContext http, Endpoint endpoint, IResult refusal) =>
        endpoint.Metadata.GetMetadata<IRefusalWriter>() is { } writer && refusal is Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult problem
            ? writer.WriteAsync(http, problem.StatusCode, problem.ProblemDetails.Detail ?? "")
            : refusal.ExecuteAsync(http);

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
        // The item the request names (the endpoint declares where, and of which kind): it exists or not, and it may be beyond
        // the caller's reach. Its owner comes from the resolver of its kind, never from the route's names.
        var item = endpoint.Scope == EndpointScope.EachInstance ? null : endpoint.Item;
        var id = item?.IdIn(http.Request);
        bool names = id is not null;
        var owner = names ? await services.GetRequiredService<RecordOwners>().ResolveAsync(item!.Kind, id!, http.RequestAborted) : null;
        bool missing = names && owner is null;
        if (endpoint.Scope != EndpointScope.Item && owner is null)
        {
            // A search (or ingest) naming no known item: decided for everything the caller reaches, which the endpoint applies.
            var search = await policy.SearchReachAsync(actor, endpoint.Operation, purpose, http.Request.Path.Value ?? "", http.RequestAborted);
            if (!search.Allowed)
                return Results.Problem(statusCode: StatusCodes.Status403Forbidden, detail: $"{endpoint.Operation} denied ({search.Decision.Rule})");
            http.Features.Set(search.Reach);
            return null;
        }
        Decision decision;
        if (owner is not null)
        {
            // Handed to the verb the endpoint calls (http.GetDecided()): it acts on this decision instead of deciding again.
            var decided = await policy.DecideForAsync(actor, endpoint.Operation, ResourceScope.Of(owner), purpose, http.RequestAborted);
            decision = decided.Decision;
            if (decision.Allowed) http.Features.Set(decided);
        }
        else
        {
            string? named = endpoint.ClinicQueryParameter is { } cp && http.Request.Query[cp].ToString() is { Length: > 0 } c ? c : null;
            if (named is not null && !ClinicCode.IsValid(named))
                return Results.Problem(statusCode: StatusCodes.Status400BadRequest, detail: $"{endpoint.ClinicQueryParameter} must be a clinic code ({ClinicCode.Rule})");
            var clinic = named ?? services.GetRequiredService<EnamelOptions>().Clinic;
            // A named item that does not exist is decided as a patient's record of the clinic: refused alike for a role that reaches no patient.
            var scope = new ResourceScope(null, clinic) { Object = names ? $"{item!.Kind} {id}" : http.Request.Path.Value ?? "", NamesRecord = names };
            decision = await policy.DecideAsync(actor, endpoint.Operation, scope, purpose, http.RequestAborted);
        }
        if (names && (decision.IsOutOfReach || (missing && decision.Allowed)))
        {
            // Not found and not yours answer alike: a search within a named item finds nothing, a read is 404.
            if (endpoint.Scope == EndpointScope.Search)
            {
                http.Features.Set(PatientReach.None);
                return null;
            }
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, detail: NotFoundOrNotYours);
        }
        if (!decision.Allowed)
            return Results.Problem(statusCode: StatusCodes.Status403Forbidden, detail: $"{endpoint.Operation} denied ({decision.Rule})");
        if (owner is not null)
        {
            http.Features.Set(owner);
            if (endpoint.Scope == EndpointScope.Search) http.Features.Set(PatientReach.OnePatient(owner.Item.PatientKey)); // the named item's patient, and only them
        }
        return null;
    }

    /// <summary>
    /// At start: every endpoint that names an item names a kind some owner resolver knows, and (for a route value) a
    /// parameter its route has. Throws naming every endpoint that does not: the server would otherwise fail its requests.
    /// </summary>
    public static void CheckItems(IEnumerable<Endpoint> endpoints, RecordOwners owners)
    {
        var problems = new List<string>();
        foreach (var e in endpoints)
        {
            if (e.Metadata.GetMetadata<EndpointAccess>() is not OperationEndpoint { Item: { } item }) continue;
            if (!owners.Knows(item.Kind)) problems.Add($"{e.DisplayName}: names an item of kind '{item.Kind}', for which no owner resolver is registered");
            if (!item.FromQuery && e is RouteEndpoint r && r.RoutePattern.GetParameter(item.Name) is null)
                problems.Add($"{e.DisplayName}: names its item by route value '{item.Name}', which its route does not have");
        }
        if (problems.Count > 0) throw new InvalidOperationException("endpoint access markers: " + string.Join("; ", problems));
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
