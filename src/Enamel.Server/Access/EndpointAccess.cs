using Enamel.Core.Access;
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
/// A record operation decided by the policy: the category and action, and where the request names its study (a route
/// value "study", or a query parameter for WADO-URI), which scopes the decision to that study's patient.
/// </summary>
public sealed record OperationEndpoint(Operation Operation, string? StudyQueryParameter = null) : EndpointAccess
{
    /// <summary>How the gate scopes the decision; <see cref="EndpointScope.Study"/> unless the endpoint says otherwise.</summary>
    public EndpointScope Scope { get; init; } = EndpointScope.Study;

    /// <summary>
    /// A query parameter naming the clinic a request that names no patient is decided for (e.g. <c>/api/audit?clinic=north</c>);
    /// without it, or without the parameter in the request, the server's own clinic (<c>Enamel:Clinic</c>).
    /// </summary>
    public string? ClinicQueryParameter { get; init; }
}

/// <summary>What an <see cref="OperationEndpoint"/>'s decision is scoped to.</summary>
public enum EndpointScope
{
    /// <summary>The study the request names (its patient and clinic); a request naming none is decided for the default clinic.</summary>
    Study,

    /// <summary>
    /// A search: a request naming an existing study is decided for that study as <see cref="Study"/>; otherwise for the
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

public static class EndpointAccessExtensions
{
    public static TBuilder Public<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new PublicEndpoint());

    public static TBuilder SignedIn<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new SignedInEndpoint());

    /// <summary>Marks the endpoint with a prepared <see cref="OperationEndpoint"/> (one shared by a family of routes).</summary>
    public static TBuilder Requires<TBuilder>(this TBuilder builder, OperationEndpoint access) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(access);

    public static TBuilder Requires<TBuilder>(this TBuilder builder, RecordCategory category, RecordAction action, string? studyQueryParameter = null,
        EndpointScope scope = EndpointScope.Study, string? clinicQueryParameter = null)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new OperationEndpoint(new Operation(category, action), studyQueryParameter) { Scope = scope, ClinicQueryParameter = clinicQueryParameter });

    /// <summary>The authenticated actor of this request (set by <see cref="AccessGate"/>); null on public endpoints.</summary>
    public static Actor? GetActor(this HttpContext http) => http.Features.Get<Actor>();

    /// <summary>
    /// The patients this request may reach, set by <see cref="AccessGate"/> on <see cref="EndpointScope.Search"/> and
    /// <see cref="EndpointScope.EachInstance"/> endpoints; null elsewhere (an endpoint must then refuse to search).
    /// </summary>
    public static PatientReach? GetReach(this HttpContext http) => http.Features.Get<PatientReach>();

    /// <summary>The purpose of use the request stated (validated by the gate).</summary>
    public static Purpose GetPurpose(this HttpContext http) => http.Features.Get<StatedPurpose>()?.Purpose ?? Purpose.Treatment;
}

/// <summary>The purpose of use of the request, as a request feature.</summary>
internal sealed record StatedPurpose(Purpose Purpose);
