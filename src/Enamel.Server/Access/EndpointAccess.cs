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
public sealed record OperationEndpoint(Operation Operation, string? StudyQueryParameter = null) : EndpointAccess;

public static class EndpointAccessExtensions
{
    public static TBuilder Public<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new PublicEndpoint());

    public static TBuilder SignedIn<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new SignedInEndpoint());

    public static TBuilder Requires<TBuilder>(this TBuilder builder, RecordCategory category, RecordAction action, string? studyQueryParameter = null)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new OperationEndpoint(new Operation(category, action), studyQueryParameter));

    /// <summary>The authenticated actor of this request (set by <see cref="AccessGate"/>); null on public endpoints.</summary>
    public static Actor? GetActor(this HttpContext http) => http.Features.Get<Actor>();
}
