using Enamel.Core.Access;
using Enamel.Core.Accounts;
using Enamel.Core.Studies;
using Enamel.Server.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

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
/// The DICOMweb and WADO-URI guard: every request is authenticated and then decided by the one policy decision point
/// (<see cref="AccessPolicy"/>, which audits allow and deny alike) as Imaging:Read (GET) or Imaging:Create (POST), scoped
/// to the study's patient when the request names a study.
/// </summary>
internal static class RequestAccess
{
    public const string PurposeHeader = "X-Purpose-Of-Use";

    public static async ValueTask<object?> FilterAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var services = http.RequestServices;
        var actor = await services.GetRequiredService<RequestAuthentication>().AuthenticateAsync(http);
        if (actor is null)
        {
            http.Response.Headers.WWWAuthenticate = "Bearer realm=\"enamel\"";
            return Results.Problem(statusCode: StatusCodes.Status401Unauthorized,
                detail: "authentication required: send an API token (Authorization: Bearer …) or sign in");
        }
        if (!TryPurpose(http, out var purpose))
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest,
                detail: $"{PurposeHeader} must be one of {string.Join(", ", Enum.GetNames<Purpose>())}");

        var operation = new Operation(RecordCategory.Imaging, HttpMethods.IsPost(http.Request.Method) ? RecordAction.Create : RecordAction.Read);
        var study = http.Request.RouteValues["study"] as string ?? (http.Request.Path.StartsWithSegments("/wado") ? http.Request.Query["studyUID"].ToString() : null);
        long? patient = string.IsNullOrEmpty(study) ? null
            : await services.GetRequiredService<IStudyIndex>().FindStudyPatientKeyAsync(study, http.RequestAborted);
        var clinic = services.GetRequiredService<EnamelOptions>().Clinic;
        var scope = new ResourceScope(patient, clinic) { Object = string.IsNullOrEmpty(study) ? "dicomweb" : $"study {study}" };
        var decision = await services.GetRequiredService<AccessPolicy>().DecideAsync(actor, operation, scope, purpose, http.RequestAborted);
        if (!decision.Allowed)
            return Results.Problem(statusCode: StatusCodes.Status403Forbidden, detail: $"{operation} denied ({decision.Rule})");
        return await next(context);
    }

    private static bool TryPurpose(HttpContext http, out Purpose purpose)
    {
        purpose = Purpose.Treatment;
        var header = http.Request.Headers[PurposeHeader].ToString();
        return header.Length == 0 || (Enum.TryParse(header, ignoreCase: true, out purpose) && Enum.IsDefined(purpose));
    }
}
