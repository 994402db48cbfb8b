using System.Text.Json;
using Enamel.Core.Access;
using Enamel.Core.Audit;
using Enamel.Core.Studies;
using Enamel.Server.Access;
using Enamel.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Enamel.Server.Api;

/// <summary>
/// Break-glass over HTTP. <c>POST /api/break-glass</c> (any signed-in account; <see cref="BreakGlass"/> decides: an
/// interactive session, never an API token, with the second factor entered in the same request (<c>code</c>: a current
/// TOTP code or a recovery code), a clinical role and a stated reason) opens time-limited emergency access to one patient, used with
/// <c>X-Purpose-Of-Use: Emergency</c>. <c>GET /api/break-glass</c> lists the grants the privacy officer has not reviewed;
/// <c>POST /api/break-glass/{id}/review</c> records the review (never by the grant's holder). Requests, uses and reviews are all audited.
/// </summary>
internal static class BreakGlassApi
{
    private sealed record Request(string? Study, long? PatientKey, string? Reason, int? Minutes, string? Code);

    public static IEndpointRouteBuilder MapBreakGlassApi(this IEndpointRouteBuilder app)
    {
        // Acting on oneself; the grant itself is decided by BreakGlass (clinical role, reason, duration).
        // The code it checks counts toward the account lockout and, like the sign-in posts, toward the per-address limit.
        app.MapPost("/api/break-glass", RequestAsync).SignedIn().RequireRateLimiting(Web.SignInRateLimit.Policy);
        app.MapGet("/api/break-glass", ListAsync).Requires(RecordCategory.Audit, RecordAction.Read);
        // Reviewing appends to the trail, it changes nothing in it: reading the audit is the permission (privacy officer, admin).
        app.MapPost("/api/break-glass/{id}/review", ReviewAsync).Requires(RecordCategory.Audit, RecordAction.Read);
        return app;
    }

    private static async Task RequestAsync(HttpContext http, BreakGlass breakGlass, IStudyIndex index, Web.WebPages web)
    {
        // JSON only: a cross-site HTML form cannot send it without a CORS preflight, so a session cookie cannot be ridden.
        if (!http.Request.HasJsonContentType())
        {
            await DicomWeb.Problem.WriteAsync(http, StatusCodes.Status415UnsupportedMediaType, "send application/json: {\"study\" or \"patientKey\", \"reason\", \"minutes\", \"code\"}");
            return;
        }
        Request? body;
        try { body = await http.Request.ReadFromJsonAsync<Request>(JsonSerializerOptions.Web, http.RequestAborted); }
        catch (JsonException) { body = null; }
        if (body is null || (body.Study is null) == (body.PatientKey is null))
        {
            await DicomWeb.Problem.WriteAsync(http, StatusCodes.Status400BadRequest, "name exactly one of study (Study Instance UID) or patientKey, with a reason");
            return;
        }
        long? patient = body.PatientKey ?? (await index.FindStudyPatientAsync(body.Study!, http.RequestAborted))?.PatientKey;
        if (patient is null)
        {
            await DicomWeb.Problem.WriteAsync(http, StatusCodes.Status404NotFound, "no such study");
            return;
        }
        var actor = http.GetActor()!;
        // The user must be here: a web session (an API token is refused by BreakGlass, and its requests burn no codes)
        // and the second factor entered now. A wrong code counts toward the account lockout.
        SecondFactorProof? proof = null;
        if (actor.TokenScope is null && body.Code is { Length: > 0 and <= 40 } code && await web.Users.FindByIdAsync(actor.UserId, http.RequestAborted) is { } user)
            proof = await web.SignIn.ProveSecondFactorAsync(user, code, actor.Source, http.RequestAborted);
        var result = await breakGlass.RequestAsync(actor, proof, patient.Value, body.Reason ?? "",
            body.Minutes is { } m ? TimeSpan.FromMinutes(m) : null, http.RequestAborted);
        if (result.Grant is not { } grant)
        {
            await DicomWeb.Problem.WriteAsync(http, result.Refusal is "no-clinical-role" or "api-token" or "second-factor-required" or "account-disabled"
                    ? StatusCodes.Status403Forbidden : StatusCodes.Status400BadRequest,
                result.Refusal switch
                {
                    "api-token" => "break-glass needs you signed in on the web with your second factor: an API token cannot open a grant",
                    "second-factor-required" => "enter your current authenticator code or a recovery code as \"code\" (an account without a second factor cannot break the glass)",
                    "reason-required" => $"a reason of at least {BreakGlass.MinReasonLength} characters is required",
                    "duration-out-of-range" => $"minutes must be between 1 and {BreakGlass.MaxDuration.TotalMinutes}",
                    "no-clinical-role" => "only clinical staff can break the glass",
                    var other => other ?? "refused",
                });
            return;
        }
        http.Response.StatusCode = StatusCodes.Status201Created;
        await http.Response.WriteAsJsonAsync(new { id = grant.Id, patientKey = grant.PatientKey, expires = grant.Expires, purposeOfUse = nameof(Purpose.Emergency) }, http.RequestAborted);
    }

    private static async Task ListAsync(HttpContext http, DataFolder folder)
    {
        var grants = await folder.Security.BreakGlass.ListUnreviewedAsync(http.RequestAborted);
        await http.Response.WriteAsJsonAsync(grants.Select(g => new { id = g.Id, user = g.UserId, patientKey = g.PatientKey, reason = g.Reason, granted = g.Granted, expires = g.Expires }),
            http.RequestAborted);
    }

    private static async Task ReviewAsync(HttpContext http, DataFolder folder, TimeProvider time, string id)
    {
        var grant = (await folder.Security.BreakGlass.ListUnreviewedAsync(http.RequestAborted)).FirstOrDefault(g => g.Id == id);
        if (grant is null)
        {
            await DicomWeb.Problem.WriteAsync(http, StatusCodes.Status404NotFound, "no unreviewed break-glass grant with this id");
            return;
        }
        var reviewer = http.GetActor()!;
        if (grant.UserId == reviewer.UserId)
        {
            await DicomWeb.Problem.WriteAsync(http, StatusCodes.Status403Forbidden, "nobody reviews their own break-glass grant");
            return;
        }
        // The review and its audit entry commit together.
        await using (var change = await folder.Security.Changes.BeginAsync(http.RequestAborted))
        {
            await change.BreakGlass.MarkReviewedAsync(id, reviewer.UserId, http.RequestAborted);
            await change.AuditAsync(new AuditEvent(time.GetUtcNow(), reviewer.UserId, string.Join(',', reviewer.Roles), grant.PatientKey,
                AuditObject.BreakGlassGrant(id), AuditAction.BreakGlassReview, AuditOutcome.Success, PurposeCodes.Code(Purpose.Compliance), reviewer.Source), http.RequestAborted);
            await change.CommitAsync(http.RequestAborted);
        }
        http.Response.StatusCode = StatusCodes.Status204NoContent;
    }
}
