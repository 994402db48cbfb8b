using System.Globalization;
using Enamel.Core.Access;
using Enamel.Core.Patients;
using Enamel.Core.Records;
using Enamel.Server.Access;
using Enamel.Server.Hosting;
using Enamel.Server.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Enamel.Server.Features.Patients;

/// <summary>
/// The staff pages for patients, over the same Core verbs as the JSON API (<see cref="PatientsApi"/>): GET /patients?q=
/// (search), GET/POST /patients/new (register), GET /patients/{key} (the record with its versions) and GET/POST
/// /patients/{key}/edit (amend the demographics). The gate decides each route's operation (a refusal is a page, see
/// <see cref="WebPage.RefuseAsync"/>); each verb decides the exact record or clinic again and its outcome becomes the page:
/// Invalid and Conflict show the form again with everything typed kept, Denied is 403, NotFound 404.
/// </summary>
internal static class PatientsFeature
{
    public const string Path = "/patients";
    public const string NewPath = "/patients/new";

    private static readonly Operation Read = new(RecordCategory.Demographics, RecordAction.Read);
    private static readonly Operation Create = new(RecordCategory.Demographics, RecordAction.Create);
    private static readonly Operation Amend = new(RecordCategory.Demographics, RecordAction.Amend);

    /// <summary>The search: staff who reach their clinics' patients.</summary>
    public static readonly NavEntry Find = new(Path, "Nav.Patients", 10, Read, RoleReach.ClinicPatients);

    /// <summary>Registering a patient (a link on the home page and the search page, not a navigation entry).</summary>
    public static readonly NavEntry Register = new(NewPath, "Nav.RegisterPatient", 11, Create, RoleReach.ClinicPatients);

    public const int SearchLimit = 50;

    public static IServiceCollection AddPatientPages(this IServiceCollection services) => services.AddNavEntry(Find);

    public static WebApplication MapPatientPages(this WebApplication app)
    {
        app.MapGet(Path, SearchAsync).Requires(RecordCategory.Demographics, RecordAction.Read, scope: EndpointScope.Search).AsPage();
        // As the API's registration: the gate asks whether any role may register; the verb decides for the clinic chosen.
        app.MapGet(NewPath, NewAsync).Requires(RecordCategory.Demographics, RecordAction.Create, scope: EndpointScope.EachInstance).AsPage();
        app.MapPost(NewPath, RegisterAsync).Requires(RecordCategory.Demographics, RecordAction.Create, scope: EndpointScope.EachInstance).AsPage();
        app.MapGet("/patients/{patient:long}", RecordAsync).Requires(RecordCategory.Demographics, RecordAction.Read)
            .Item(RecordKind.Patient, "patient").AsPage();
        app.MapGet("/patients/{patient:long}/edit", EditAsync).Requires(RecordCategory.Demographics, RecordAction.Amend)
            .Item(RecordKind.Patient, "patient").AsPage();
        app.MapPost("/patients/{patient:long}/edit", AmendAsync).Requires(RecordCategory.Demographics, RecordAction.Amend)
            .Item(RecordKind.Patient, "patient").AsPage();
        return app;
    }

    public static string RecordPath(long key) => "/patients/" + key.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// A verb's refusal as the page shows it: translated ("Verb.&lt;code&gt;" in the strings, its arguments too) when the
    /// verb gave a code the strings know; otherwise the verb's English text.
    /// </summary>
    private static object Refusal(HttpContext http, PatientProblem? problem, string text)
    {
        if (problem is null) return text;
        var strings = http.RequestServices.GetRequiredService<Microsoft.Extensions.Localization.IStringLocalizer<Strings>>();
        object Of(PatientProblem p) => strings["Verb." + p.Code].ResourceNotFound ? p.Text
            : new Message("Verb." + p.Code, [.. p.Args.Select(a => a is PatientProblem inner ? Of(inner) : a)]);
        return Of(problem);
    }

    /// <summary>The actor the gate decided for (so its decision can be handed to the verb), else the session's.</summary>
    private static Actor ActorOf(HttpContext http, WebSession session) => http.GetActor() ?? session.User.ToActor(WebSession.Source(http));

    // ---- search -------------------------------------------------------------------------------------------------------

    private static async Task<IResult> SearchAsync(HttpContext http, WebPages web, FindPatients find, AccessPolicy policy)
    {
        var q = http.Request.Query["q"].ToString();
        var back = Path + http.Request.QueryString;
        var (session, redirect) = await web.RequireSessionAsync(http, back);
        if (session is null) return redirect!;
        var actor = ActorOf(http, session);
        var capabilities = await policy.CapabilitiesAsync(actor, http.RequestAborted);
        bool mayRegister = Register.IsShownTo(capabilities);
        if (q.Trim().Length == 0) return WebPage.Render<PatientSearchView>(new PatientSearchView.Content(q, null, null, mayRegister), session);
        var answer = await find.SearchAsync(actor, q, http.GetPurpose(), SearchLimit, http.RequestAborted);
        return answer.Outcome switch
        {
            PatientOutcome.Done => WebPage.Render<PatientSearchView>(new PatientSearchView.Content(q, answer.Value, null, mayRegister), session),
            PatientOutcome.Denied => WebPage.Render<PatientSearchView>(new PatientSearchView.Content(q, null, new Message("Patients.Denied"), mayRegister), session,
                StatusCodes.Status403Forbidden),
            _ => WebPage.Render<PatientSearchView>(new PatientSearchView.Content(q, null, new Message("Patients.SearchInvalid", Refusal(http, answer.Problem, answer.Message)), mayRegister), session,
                StatusCodes.Status400BadRequest),
        };
    }

    // ---- registration -------------------------------------------------------------------------------------------------

    private static async Task<IResult> NewAsync(HttpContext http, WebPages web, EnamelOptions options)
    {
        var (session, redirect) = await web.RequireSessionAsync(http, NewPath);
        if (session is null) return redirect!;
        var clinics = ClinicsOf(ActorOf(http, session), options);
        return RegistrationPage(session, new PatientForm { Clinic = clinics.Count == 1 ? clinics[0] : "" }, clinics, null);
    }

    private static async Task<IResult> RegisterAsync(HttpContext http, WebPages web, RegisterPatient register, EnamelOptions options)
    {
        var post = await web.SignedInPostAsync(http, NewPath);
        if (post.Refusal is { } refusal) return refusal;
        var session = post.Session;
        var actor = ActorOf(http, session);
        var clinics = ClinicsOf(actor, options);
        var form = PatientForm.Read(post.Form);
        if (form.Clinic.Length == 0 && clinics.Count == 1) form = form with { Clinic = clinics[0] };
        var answer = await register.ExecuteAsync(actor, new NewPatient(form.Clinic, form.ToDemographics(), form.ToIdentifiers()), http.GetPurpose(),
            form.Reason, http.RequestAborted);
        return answer.Outcome switch
        {
            PatientOutcome.Done => WebPage.SeeOther(RecordPath(answer.Value!.Key)),
            PatientOutcome.Denied => await WebPage.RefuseAsync(http, StatusCodes.Status403Forbidden, new Message("Patients.Denied")),
            PatientOutcome.Conflict => RegistrationPage(session, form, clinics, new Message("Patients.IdentifierTaken"), StatusCodes.Status409Conflict),
            _ => RegistrationPage(session, form, clinics, new Message("Patients.NotSaved", Refusal(http, answer.Problem, answer.Message)), StatusCodes.Status400BadRequest),
        };
    }

    /// <summary>The clinics the actor may register in: theirs, or the server's own clinic for an account of none.</summary>
    private static IReadOnlyList<string> ClinicsOf(Actor actor, EnamelOptions options) =>
        actor.Clinics.Count > 0 ? [.. actor.Clinics.Order(StringComparer.Ordinal)] : [options.Clinic];

    private static IResult RegistrationPage(WebSession session, PatientForm form, IReadOnlyList<string> clinics, Message? error, int status = StatusCodes.Status200OK) =>
        WebPage.Render<PatientRegistrationView>(new PatientRegistrationView.Content(form, clinics, error), session, status, NewPath);

    // ---- the record ---------------------------------------------------------------------------------------------------

    private static async Task<IResult> RecordAsync(HttpContext http, long patient, WebPages web, FindPatients find, AccessPolicy policy)
    {
        var (session, redirect) = await web.RequireSessionAsync(http, RecordPath(patient));
        if (session is null) return redirect!;
        var actor = ActorOf(http, session);
        // The gate decided Demographics:Read on this patient: both reads act on that one decision.
        var answer = await find.GetAsync(actor, patient, http.GetPurpose(), http.GetDecided(), http.RequestAborted);
        if (!answer.Done) return await RefusalAsync(http, answer.Outcome);
        var history = await find.HistoryAsync(actor, patient, http.GetPurpose(), http.GetDecided(), http.RequestAborted);
        var versions = history.Value ?? [];
        var authors = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var id in versions.Select(v => v.AuthorId).Distinct(StringComparer.Ordinal))
            authors[id] = await web.Users.FindByIdAsync(id, http.RequestAborted) is { } user ? user.UserName : id;
        var capabilities = await policy.CapabilitiesAsync(actor, http.RequestAborted);
        bool mayAmend = answer.Value!.Status != PatientStatus.Merged && capabilities.Permits(Amend, RoleReach.ClinicPatients);
        var notice = http.Request.Query["done"].ToString() == "amended" ? new Message("Patients.Amended") : null;
        var alerts = await Chart.ChartFeature.AlertsAsync(http, actor, patient, capabilities); // the allergy alert heads this screen too
        return WebPage.Render<PatientRecordView>(new PatientRecordView.Content(answer.Value, versions, authors, mayAmend, notice, alerts), session);
    }

    // ---- amendment ----------------------------------------------------------------------------------------------------

    private static async Task<IResult> EditAsync(HttpContext http, long patient, WebPages web, FindPatients find)
    {
        var path = RecordPath(patient) + "/edit";
        var (session, redirect) = await web.RequireSessionAsync(http, path);
        if (session is null) return redirect!;
        var answer = await find.GetAsync(ActorOf(http, session), patient, http.GetPurpose(), http.RequestAborted);
        if (!answer.Done) return await RefusalAsync(http, answer.Outcome);
        var error = answer.Value!.Status == PatientStatus.Merged ? new Message("Patients.MergedReadOnly") : null;
        return EditPage(session, answer.Value, PatientForm.Of(answer.Value), error);
    }

    private static async Task<IResult> AmendAsync(HttpContext http, long patient, WebPages web, FindPatients find, AmendDemographics amend)
    {
        var post = await web.SignedInPostAsync(http, RecordPath(patient) + "/edit");
        if (post.Refusal is { } refusal) return refusal;
        var session = post.Session;
        var actor = ActorOf(http, session);
        var form = PatientForm.Read(post.Form);
        var current = await find.GetAsync(actor, patient, http.GetPurpose(), http.RequestAborted);
        if (!current.Done) return await RefusalAsync(http, current.Outcome);
        if (!int.TryParse(form.Version, NumberStyles.None, CultureInfo.InvariantCulture, out var version))
            return EditPage(session, current.Value!, form, new Message("Patients.Changed"), StatusCodes.Status409Conflict);
        var answer = await amend.ExecuteAsync(actor, patient, version, form.ToDemographics(current.Value!.Demographics), form.Reason, http.GetPurpose(), http.GetDecided(), http.RequestAborted);
        return answer.Outcome switch
        {
            PatientOutcome.Done => WebPage.SeeOther(RecordPath(patient) + "?done=amended"),
            PatientOutcome.Invalid => EditPage(session, current.Value, form, new Message("Patients.NotSaved", Refusal(http, answer.Problem, answer.Message)), StatusCodes.Status400BadRequest),
            PatientOutcome.Conflict => EditPage(session, current.Value, form,
                new Message(current.Value.Status == PatientStatus.Merged ? "Patients.MergedReadOnly" : "Patients.Changed"), StatusCodes.Status409Conflict),
            _ => await RefusalAsync(http, answer.Outcome),
        };
    }

    private static IResult EditPage(WebSession session, Patient patient, PatientForm form, Message? error, int status = StatusCodes.Status200OK) =>
        WebPage.Render<PatientEditView>(new PatientEditView.Content(patient, form, error), session, status, RecordPath(patient.Key) + "/edit");

    /// <summary>A verb's refusal of a record as a page: not found (or not yours) 404, denied 403.</summary>
    private static Task<IResult> RefusalAsync(HttpContext http, PatientOutcome outcome) => outcome == PatientOutcome.Denied
        ? WebPage.RefuseAsync(http, StatusCodes.Status403Forbidden, new Message("Patients.Denied"))
        : WebPage.RefuseAsync(http, StatusCodes.Status404NotFound, new Message("Problem.NotFoundText"));
}
