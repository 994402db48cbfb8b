using Enamel.Core.Access;
using Enamel.Core.Records;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Enamel.Server.Access;

/// <summary>
/// How an endpoint is guarded. Every mapped endpoint carries exactly one of these; <see cref="AccessGate"/> refuses an
/// endpoint that carries none (deny by default), and the endpoint-matrix test fails the build's tests for it.
/// </summary>
public abstract record EndpointAccess;

/// <summary>No authentication: health probe, sign-in page, static assets. Nothing patient-related may be public.</summary>
public sealed record PublicEndpoint : EndpointAccess;

/// <summary>Any signed-in account, acting on itself only (its own account page, sessions, tokens); no record is touched.</summary>
public sealed record SignedInEndpoint : EndpointAccess;

/// <summary>
/// A record operation decided by the policy: the category and action, and — when the request names one item — where it
/// names it (<see cref="Item"/>: a route value or a query parameter holding the id of an item of one
/// <see cref="RecordKind"/>). The gate asks the owner resolver of that kind (<see cref="RecordOwners"/>) whose the item is
/// and decides for that patient and clinic.
/// </summary>
public sealed record OperationEndpoint(Operation Operation) : EndpointAccess
{
    /// <summary>How the gate scopes the decision; <see cref="EndpointScope.Item"/> unless the endpoint says otherwise.</summary>
    public EndpointScope Scope { get; init; } = EndpointScope.Item;

    /// <summary>Where the request names its item; null: the endpoint names no item (a search, a clinic-level operation).</summary>
    public ItemName? Item { get; init; }

    /// <summary>
    /// A query parameter naming the clinic a request that names no patient is decided for (e.g. <c>/api/audit?clinic=north</c>);
    /// without it, or without the parameter in the request, the server's own clinic (<c>Enamel:Clinic</c>).
    /// </summary>
    public string? ClinicQueryParameter { get; init; }
}

/// <summary>
/// Optional endpoint metadata: how the gate writes its refusals (401, 403, 404, 400) for endpoints whose protocol has
/// its own error document (FHIR's OperationOutcome). Without it: RFC 9457 problem details.
/// </summary>
public interface IRefusalWriter
{
    Task WriteAsync(HttpContext http, int status, string detail);
}

/// <summary>What an <see cref="OperationEndpoint"/>'s decision is scoped to.</summary>
public enum EndpointScope
{
    /// <summary>The item the request names (its patient and clinic); a request naming none is decided for the default clinic.</summary>
    Item,

    /// <summary>
    /// A search: a request naming an existing item is decided for that item as <see cref="Item"/>; otherwise for the
    /// caller's reach (<see cref="AccessPolicy.SearchReachAsync"/>). Either way the gate leaves the
    /// <see cref="PatientReach"/> in the request features and the endpoint returns only matches inside it.
    /// </summary>
    Search,

    /// <summary>
    /// Ingest: the gate checks that some role permits the operation (as a search, leaving the reach in the features);
    /// the endpoint then decides each instance for the patient it belongs to (STOW-RS).
    /// </summary>
    EachInstance,
}

/// <summary>
/// Where a request names its item: the route value (or, <paramref name="FromQuery"/>, the query parameter — WADO-URI)
/// <paramref name="Name"/> holds the id of an item of <paramref name="Kind"/>.
/// </summary>
public sealed record ItemName(RecordKind Kind, string Name, bool FromQuery = false)
{
    /// <summary>The id the request gives, or null when it gives none.</summary>
    public string? IdIn(HttpRequest request)
    {
        var value = FromQuery ? request.Query[Name].ToString() : request.RouteValues[Name]?.ToString();
        return string.IsNullOrEmpty(value) ? null : value;
    }

    public override string ToString() => $"{Kind} from {(FromQuery ? "query parameter" : "route value")} '{Name}'";
}

public static class EndpointAccessExtensions
{
    public static TBuilder Public<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new PublicEndpoint());

    public static TBuilder SignedIn<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new SignedInEndpoint());

    /// <summary>Marks the endpoint with a prepared <see cref="OperationEndpoint"/> (one shared by a family of routes).</summary>
    public static TBuilder Requires<TBuilder>(this TBuilder builder, OperationEndpoint access) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(access);

    public static TBuilder Requires<TBuilder>(this TBuilder builder, RecordCategory category, RecordAction action,
        EndpointScope scope = EndpointScope.Item, string? clinicQueryParameter = null)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new OperationEndpoint(new Operation(category, action)) { Scope = scope, ClinicQueryParameter = clinicQueryParameter });

    /// <summary>
    /// The item this endpoint acts on: route value <paramref name="routeValue"/> holds the id of an item of
    /// <paramref name="kind"/> (after <c>.Requires(…)</c>): <c>.Requires(Read).Item(RecordKind.Study, "study")</c>.
    /// </summary>
    public static TBuilder Item<TBuilder>(this TBuilder builder, RecordKind kind, string routeValue) where TBuilder : IEndpointConventionBuilder =>
        builder.NamesItem(new ItemName(kind, routeValue));

    /// <summary>As <see cref="Item{TBuilder}"/>, the id in query parameter <paramref name="parameter"/> (WADO-URI's studyUID, objectUID).</summary>
    public static TBuilder ItemFromQuery<TBuilder>(this TBuilder builder, RecordKind kind, string parameter) where TBuilder : IEndpointConventionBuilder =>
        builder.NamesItem(new ItemName(kind, parameter, FromQuery: true));

    private static TBuilder NamesItem<TBuilder>(this TBuilder builder, ItemName item) where TBuilder : IEndpointConventionBuilder
    {
        builder.Add(endpoint =>
        {
            int at = -1;
            for (int i = 0; i < endpoint.Metadata.Count; i++)
                if (endpoint.Metadata[i] is OperationEndpoint) at = i;
            if (at < 0) throw new InvalidOperationException($"{endpoint.DisplayName}: .Item() names the item of a record operation: call .Requires(…) first");
            endpoint.Metadata[at] = (OperationEndpoint)endpoint.Metadata[at] with { Item = item };
        });
        return builder;
    }

    /// <summary>The authenticated actor of this request (set by <see cref="AccessGate"/>); null on public endpoints.</summary>
    public static Actor? GetActor(this HttpContext http) => http.Features.Get<Actor>();

    /// <summary>
    /// The patients this request may reach, set by <see cref="AccessGate"/> on <see cref="EndpointScope.Search"/> and
    /// <see cref="EndpointScope.EachInstance"/> endpoints; null elsewhere (an endpoint must then refuse to search).
    /// </summary>
    public static PatientReach? GetReach(this HttpContext http) => http.Features.Get<PatientReach>();

    /// <summary>The item the request names and its owner, as the gate resolved and decided it; null when it names none.</summary>
    public static RecordOwner? GetItem(this HttpContext http) => http.Features.Get<RecordOwner>();

    /// <summary>The gate's allowed decision on the item the request names, for the verb to act on (one decision entry per request).</summary>
    public static DecidedOperation? GetDecided(this HttpContext http) => http.Features.Get<DecidedOperation>();

    /// <summary>The purpose of use the request stated (validated by the gate).</summary>
    public static Purpose GetPurpose(this HttpContext http) => http.Features.Get<StatedPurpose>()?.Purpose ?? Purpose.Treatment;
}

/// <summary>The purpose of use of the request, as a request feature.</summary>
internal sealed record StatedPurpose(Purpose Purpose);
