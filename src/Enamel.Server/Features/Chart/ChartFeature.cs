using System.Globalization;
using Enamel.Core.Access;
using Enamel.Core.History;
using Enamel.Core.LabCases;
using Enamel.Core.Notes;
using Enamel.Core.Patients;
using Enamel.Core.Records;
using Enamel.Core.Referrals;
using Enamel.Server.Access;
using Enamel.Server.Features.Patients;
using Enamel.Server.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Localization;

namespace Enamel.Server.Features.Chart;

/// <summary>
/// The patient chart: the clinical record of one patient in the web shell, over the Core verbs of
/// <see cref="RecordEntries"/>. GET /patients/{key}/chart (the sections the signed-in roles read, the odontogram, the
/// allergy alerts), and per kind of entry /patients/{key}/chart/{kind}/new (record), /{id} (read, with every version),
/// /{id}/edit (revise), /{id}/error (entered-in-error), /note/{id}/sign and /{lab-case|referral}/{id}/advance.
/// The gate decides the kind's category and action: on the patient for the chart and the forms that record, on the entry
/// itself (its owner resolver) for the routes naming one, whose verbs act on that decision; an entry of another patient
/// than the route's is not found. What a page offers comes from
/// <see cref="AccessPolicy.CapabilitiesAsync"/>; opening it is still decided per request.
/// </summary>
internal static class ChartFeature
{
    public static string ChartPath(long patient) => PatientsFeature.RecordPath(patient) + "/chart";

    public static string NewPath(long patient, EntryForm form) => ChartPath(patient) + "/" + form.Slug + "/new";

    public static string EntryPath(long patient, RecordKind kind, string id) => ChartPath(patient) + "/" + (ChartForms.Of(kind)?.Slug ?? kind.Name) + "/" + id;

    public static IServiceCollection AddChartPages(this IServiceCollection services)
    {
        services.TryAddSingleton<RecordEntries>();
        return services;
    }

    public static WebApplication MapChartPages(this WebApplication app)
    {
        // The chart itself: every role that opens the patient's page; the verb then reads only the categories the role reads.
        app.MapGet("/patients/{patient:long}/chart", ChartAsync).Requires(RecordCategory.Demographics, RecordAction.Read)
            .Item(RecordKind.Patient, "patient").AsPage();
        foreach (var form in ChartForms.All)
        {
            var f = form;
            var at = "/patients/{patient:long}/chart/" + f.Slug;
            app.MapGet(at + "/new", (HttpContext http, long patient, WebPages web) => NewAsync(http, patient, f, web))
                .Requires(f.Category, RecordAction.Create).Item(RecordKind.Patient, "patient").AsPage();
            app.MapPost(at + "/new", (HttpContext http, long patient, WebPages web) => AddAsync(http, patient, f, web))
                .Requires(f.Category, RecordAction.Create).Item(RecordKind.Patient, "patient").AsPage();
            app.MapGet(at + "/{id}", (HttpContext http, long patient, string id, WebPages web) => EntryAsync(http, patient, f, id, web))
                .Requires(f.Category, RecordAction.Read).Item(f.Kind, "id").AsPage();
            // A note's author revises and signs their own draft as part of creating it (RecordEntries.ChangeActionAsync).
            var change = f.Kind == RecordKind.Note ? RecordAction.Create : RecordAction.Amend;
            app.MapGet(at + "/{id}/edit", (HttpContext http, long patient, string id, WebPages web) => EditAsync(http, patient, f, id, web))
                .Requires(f.Category, change).Item(f.Kind, "id").AsPage();
            app.MapPost(at + "/{id}/edit", (HttpContext http, long patient, string id, WebPages web) => ReviseAsync(http, patient, f, id, web))
                .Requires(f.Category, change).Item(f.Kind, "id").AsPage();
            app.MapPost(at + "/{id}/error", (HttpContext http, long patient, string id, WebPages web) => EnteredInErrorAsync(http, patient, f, id, web))
                .Requires(f.Category, RecordAction.Amend).Item(f.Kind, "id").AsPage();
            if (f.Kind == RecordKind.Note)
                app.MapPost(at + "/{id}/sign", (HttpContext http, long patient, string id, WebPages web) => SignAsync(http, patient, id, web))
                    .Requires(f.Category, change).Item(f.Kind, "id").AsPage();
            if (f.Kind == RecordKind.LabCase || f.Kind == RecordKind.Referral)
                app.MapPost(at + "/{id}/advance", (HttpContext http, long patient, string id, WebPages web) => AdvanceAsync(http, patient, f, id, web))
                    .Requires(f.Category, RecordAction.Amend).Item(f.Kind, "id").AsPage();
        }
        return app;
    }

    /// <summary>
    /// A chart form's body cap: a note or a specification holds up to 20,000 characters, which URL-encoded (Chinese: 9
    /// bytes a character) is far more than the pages' usual 64 KiB.
    /// </summary>
    public const long MaxFormBytes = 256 * 1024;

    // ---- what every chart page needs ------------------------------------------------------------------------------------

    private static Actor ActorOf(HttpContext http, WebSession session) => http.GetActor() ?? session.User.ToActor(WebSession.Source(http));

    private static RecordEntries Entries(HttpContext http) => http.RequestServices.GetRequiredService<RecordEntries>();

    private static bool May(Capabilities capabilities, RecordCategory category, RecordAction action) =>
        capabilities.Permits(new Operation(category, action), RoleReach.ClinicPatients);

    /// <summary>The patient (decided as Demographics:Read), the active high-criticality allergies the actor may read, and the actor's capabilities.</summary>
    private static async Task<(IResult? Refusal, ChartHead? Head, Capabilities Capabilities)> HeadAsync(HttpContext http, WebSession session, long patientKey)
    {
        var actor = ActorOf(http, session);
        var find = http.RequestServices.GetRequiredService<FindPatients>();
        var policy = http.RequestServices.GetRequiredService<AccessPolicy>();
        var answer = await find.GetAsync(actor, patientKey, http.GetPurpose(), http.GetDecided(), http.RequestAborted);
        if (!answer.Done) return (await RefusalAsync(http, answer.Outcome), null, Capabilities.None);
        var capabilities = await policy.CapabilitiesAsync(actor, http.RequestAborted);
        return (null, new ChartHead(answer.Value!, await AlertsAsync(http, actor, patientKey, capabilities)), capabilities);
    }

    /// <summary>
    /// The patient's allergy alerts, for a clinical screen: read (and decided, and audited) as the patient's allergies
    /// when the actor's roles read the medical history; none otherwise.
    /// </summary>
    public static async Task<IReadOnlyList<RecordEntry>> AlertsAsync(HttpContext http, Actor actor, long patientKey, Capabilities capabilities)
    {
        if (!May(capabilities, RecordCategory.MedicalHistory, RecordAction.Read)) return [];
        var found = await Entries(http).FindAsync(actor, new EntryQuery([RecordKind.Allergy], PatientReach.None) { PatientKey = patientKey, Limit = RecordEntries.MaxResults },
            http.GetPurpose(), http.RequestAborted);
        return found.Done ? Alerts(found.Value.Entries) : [];
    }

    /// <summary>The entries that are alerts on every clinical screen: active allergies of high criticality, not entered in error.</summary>
    public static IReadOnlyList<RecordEntry> Alerts(IEnumerable<RecordEntry> entries) =>
        [.. entries.Where(e => e.Status != VersionStatus.EnteredInError && e.Body is Allergy { IsAlert: true })];

    /// <summary>User ids as user names (authors, signers, providers), for people to read.</summary>
    private static async Task<IReadOnlyDictionary<string, string>> NamesAsync(WebPages web, IEnumerable<string> ids, CancellationToken ct)
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var id in ids.Where(i => i.Length > 0).Distinct(StringComparer.Ordinal))
            names[id] = await web.Users.FindByIdAsync(id, ct) is { } user ? user.UserName : id;
        return names;
    }

    private static IEnumerable<string> PeopleOf(RecordEntry e)
    {
        yield return e.AuthorId;
        if (e.Withdrawn is { } w) yield return w.AuthorId;
        switch (e.Body)
        {
            case ClinicalNote n: yield return n.SignedBy; break;
            case Core.Treatment.Procedure p: yield return p.Provider; break;
            case Core.Treatment.Prescription p: yield return p.Prescriber; break;
            case LabCase l: foreach (var s in l.Trail) yield return s.By; break;
            case Referral r: foreach (var s in r.Trail) yield return s.By; break;
        }
    }

    // ---- the chart ------------------------------------------------------------------------------------------------------

    private static async Task<IResult> ChartAsync(HttpContext http, long patient, WebPages web)
    {
        var (session, redirect) = await web.RequireSessionAsync(http, ChartPath(patient) + http.Request.QueryString);
        if (session is null) return redirect!;
        var (refusal, head, capabilities) = await HeadAsync(http, session, patient);
        if (refusal is not null) return refusal;
        var actor = ActorOf(http, session);
        var readable = ChartForms.Sections.Select(s => s.Category).Where(c => May(capabilities, c, RecordAction.Read)).ToHashSet();
        IReadOnlyList<RecordEntry>? entries = null;
        bool withdrawn = http.Request.Query["withdrawn"].ToString() == "1";
        if (withdrawn && readable.Count > 0)
        {
            // With the entries marked entered in error (kept, readable, shown as such): one search over the kinds the roles read.
            var kinds = ChartForms.Sections.Where(s => readable.Contains(s.Category)).SelectMany(s => s.Kinds).ToList();
            var found = await Entries(http).FindAsync(actor, new EntryQuery(kinds, PatientReach.None)
                { PatientKey = patient, IncludeEnteredInError = true, Limit = RecordEntries.MaxResults }, http.GetPurpose(), http.RequestAborted);
            if (found.Done) entries = found.Value.Entries;
        }
        if (entries is null)
        {
            var everything = await Entries(http).EverythingAsync(actor, patient, http.GetPurpose(), http.RequestAborted);
            entries = everything.Value ?? [];
            withdrawn = false;
        }
        var creatable = ChartForms.All.Where(f => May(capabilities, f.Category, RecordAction.Create)).Select(f => f.Kind).ToHashSet();
        var tooth = http.Request.Query["tooth"].ToString();
        if (!Core.Treatment.Teeth.IsTooth(tooth)) tooth = "";
        var names = await NamesAsync(web, entries.SelectMany(PeopleOf), http.RequestAborted);
        var notice = Notice(http);
        return WebPage.Render<ChartView>(new ChartView.Content(head!, entries, readable, creatable, tooth, names, notice, withdrawn), session);
    }

    // ---- recording ------------------------------------------------------------------------------------------------------

    private static async Task<IResult> NewAsync(HttpContext http, long patient, EntryForm form, WebPages web)
    {
        var path = NewPath(patient, form);
        var (session, redirect) = await web.RequireSessionAsync(http, path + http.Request.QueryString);
        if (session is null) return redirect!;
        var (refusal, head, _) = await HeadAsync(http, session, patient);
        if (refusal is not null) return refusal;
        var values = new FormValues();
        // Prefilled from the link that led here: a tooth of the odontogram, the note an addendum appends to; a sensible default for each select.
        foreach (var f in form.Fields.Where(f => f.Type == FieldType.Select)) values[f.Name] = f.Options![0];
        if (form.Kind == RecordKind.Procedure) values["status"] = "planned";
        if (form.Kind == RecordKind.LedgerLine) values["currency"] = "HKD";
        if (Core.Treatment.Teeth.IsTooth(http.Request.Query["tooth"].ToString())) values["tooth"] = http.Request.Query["tooth"].ToString();
        var today = web.Time.GetUtcNow().ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        foreach (var name in new[] { "date", "written", "recorded" }) if (form.Fields.Any(f => f.Name == name)) values[name] = today;
        if (form.Kind == RecordKind.Procedure) values["date"] = "";
        return FormPage(session, head!, form, values, path, null, null);
    }

    private static async Task<IResult> AddAsync(HttpContext http, long patient, EntryForm form, WebPages web)
    {
        var path = NewPath(patient, form);
        var post = await web.SignedInPostAsync(http, path, MaxFormBytes);
        if (post.Refusal is { } refused) return refused;
        var session = post.Session;
        var (refusal, head, _) = await HeadAsync(http, session, patient);
        if (refusal is not null) return refusal;
        var actor = ActorOf(http, session);
        var values = Read(post.Form);
        var (body, problem) = form.Build(values, null, actor.UserId);
        if (problem is not null) return FormPage(session, head!, form, values, path, null, Problem(problem), StatusCodes.Status400BadRequest);
        var answer = await Entries(http).AddAsync(actor, patient, body, values.Of("reason"), http.GetPurpose(), http.GetDecided(), http.RequestAborted);
        return answer.Outcome switch
        {
            PatientOutcome.Done => WebPage.SeeOther(body is ClinicalNote { Appends.Length: > 0 } addendum
                ? EntryPath(patient, RecordKind.Note, addendum.Appends) + "?done=addendum"
                : EntryPath(patient, form.Kind, answer.Value!.Id) + "?done=recorded"),
            PatientOutcome.Invalid or PatientOutcome.Conflict => body is ClinicalNote { Appends.Length: > 0 } a
                ? await EntryPageAsync(http, session, web, patient, RecordKind.Note, a.Appends, Explain(http, form, answer), values, StatusCodes.Status400BadRequest)
                : FormPage(session, head!, form, values, path, null, Explain(http, form, answer), StatusCodes.Status400BadRequest),
            _ => await RefusalAsync(http, answer.Outcome),
        };
    }

    // ---- one entry ------------------------------------------------------------------------------------------------------

    private static async Task<IResult> EntryAsync(HttpContext http, long patient, EntryForm form, string id, WebPages web)
    {
        var (session, redirect) = await web.RequireSessionAsync(http, EntryPath(patient, form.Kind, id));
        if (session is null) return redirect!;
        return await EntryPageAsync(http, session, web, patient, form.Kind, id, null, null, StatusCodes.Status200OK, Notice(http));
    }

    /// <summary>An entry's page: the current version, its signature or trail, what the actor may do next, and every version.</summary>
    private static async Task<IResult> EntryPageAsync(HttpContext http, WebSession session, WebPages web, long patient, RecordKind kind, string id,
        FormError? error, FormValues? typed, int status, Message? notice = null)
    {
        var (refusal, head, capabilities) = await HeadAsync(http, session, patient);
        if (refusal is not null) return refusal;
        var actor = ActorOf(http, session);
        var entries = Entries(http);
        var history = await entries.HistoryAsync(actor, kind, id, http.GetPurpose(), http.GetDecided(), http.RequestAborted);
        if (!history.Done || history.Value!.Count == 0) return await RefusalAsync(http, history.Outcome == PatientOutcome.Done ? PatientOutcome.NotFound : history.Outcome);
        var versions = history.Value;
        var current = await entries.ReadAsync(actor, kind, id, null, http.GetPurpose(), http.GetDecided(), http.RequestAborted);
        if (!current.Done) return await RefusalAsync(http, current.Outcome);
        if (current.Value!.PatientKey != patient) return await RefusalAsync(http, PatientOutcome.NotFound); // another patient's entry: not found here
        IReadOnlyList<RecordEntry> addenda = [];
        if (current.Value.Body is ClinicalNote)
        {
            var notes = await entries.FindAsync(actor, new EntryQuery([RecordKind.Note], PatientReach.None) { PatientKey = patient, Limit = RecordEntries.MaxResults },
                http.GetPurpose(), http.RequestAborted);
            addenda = notes.Done ? [.. notes.Value.Entries.Where(n => n.Body is ClinicalNote c && c.Appends == id).OrderBy(n => n.Created)] : [];
        }
        var names = await NamesAsync(web, versions.Concat(addenda).Append(current.Value).SelectMany(PeopleOf), http.RequestAborted);
        var form = ChartForms.Of(kind)!;
        var category = current.Value.Body.Category;
        var changeAs = await entries.ChangeActionAsync(actor, kind, id, http.RequestAborted);
        var may = new EntryView.Permits(
            Amend: May(capabilities, category, RecordAction.Amend),
            Revise: May(capabilities, category, changeAs),
            Sign: actor.Roles.Any(RecordEntries.Clinicians.Contains) && May(capabilities, category, changeAs),
            Addendum: May(capabilities, RecordCategory.ClinicalNotes, RecordAction.Create));
        return WebPage.Render<EntryView>(new EntryView.Content(head!, form, current.Value, versions, addenda, names, may, error, typed ?? new FormValues(), notice),
            session, status, EntryPath(patient, kind, id));
    }

    private static async Task<IResult> EditAsync(HttpContext http, long patient, EntryForm form, string id, WebPages web)
    {
        var path = EntryPath(patient, form.Kind, id) + "/edit";
        var (session, redirect) = await web.RequireSessionAsync(http, path);
        if (session is null) return redirect!;
        var (refusal, head, _) = await HeadAsync(http, session, patient);
        if (refusal is not null) return refusal;
        var current = await Entries(http).ReadAsync(ActorOf(http, session), form.Kind, id, null, http.GetPurpose(), null, http.RequestAborted);
        if (!current.Done || current.Value!.PatientKey != patient) return await RefusalAsync(http, current.Done ? PatientOutcome.NotFound : current.Outcome);
        var values = form.ValuesOf(current.Value.Body);
        values["version"] = current.Value.Version.ToString(CultureInfo.InvariantCulture);
        return FormPage(session, head!, form, values, path, current.Value, null);
    }

    private static async Task<IResult> ReviseAsync(HttpContext http, long patient, EntryForm form, string id, WebPages web)
    {
        var path = EntryPath(patient, form.Kind, id) + "/edit";
        var post = await web.SignedInPostAsync(http, path, MaxFormBytes);
        if (post.Refusal is { } refused) return refused;
        var session = post.Session;
        var (refusal, head, _) = await HeadAsync(http, session, patient);
        if (refusal is not null) return refusal;
        var actor = ActorOf(http, session);
        var entries = Entries(http);
        var current = await entries.ReadAsync(actor, form.Kind, id, null, http.GetPurpose(), null, http.RequestAborted);
        if (!current.Done || current.Value!.PatientKey != patient) return await RefusalAsync(http, current.Done ? PatientOutcome.NotFound : current.Outcome);
        var values = Read(post.Form);
        if (!int.TryParse(values.Of("version"), NumberStyles.None, CultureInfo.InvariantCulture, out var version))
            return FormPage(session, head!, form, values, path, current.Value, new FormError(new Message("Chart.Changed"), null, null), StatusCodes.Status409Conflict);
        var (body, problem) = form.Build(values, current.Value.Body, actor.UserId);
        if (problem is not null) return FormPage(session, head!, form, values, path, current.Value, Problem(problem), StatusCodes.Status400BadRequest);
        var answer = await entries.ReviseAsync(actor, form.Kind, id, version, body, values.Of("reason"), http.GetPurpose(), http.GetDecided(), http.RequestAborted);
        return answer.Outcome switch
        {
            PatientOutcome.Done => WebPage.SeeOther(EntryPath(patient, form.Kind, id) + "?done=revised"),
            PatientOutcome.Invalid => FormPage(session, head!, form, values, path, current.Value, Explain(http, form, answer), StatusCodes.Status400BadRequest),
            PatientOutcome.Conflict => FormPage(session, head!, form, values, path, current.Value, Explain(http, form, answer), StatusCodes.Status409Conflict),
            _ => await RefusalAsync(http, answer.Outcome),
        };
    }

    private static async Task<IResult> SignAsync(HttpContext http, long patient, string id, WebPages web)
    {
        var post = await web.SignedInPostAsync(http, EntryPath(patient, RecordKind.Note, id), MaxFormBytes);
        if (post.Refusal is { } refused) return refused;
        return await ActAsync(http, post, web, patient, ChartForms.Note, id, "signed", (entries, actor, version) =>
            entries.SignNoteAsync(actor, id, version, http.GetPurpose(), http.GetDecided(), http.RequestAborted));
    }

    private static async Task<IResult> AdvanceAsync(HttpContext http, long patient, EntryForm form, string id, WebPages web)
    {
        var post = await web.SignedInPostAsync(http, EntryPath(patient, form.Kind, id), MaxFormBytes);
        if (post.Refusal is { } refused) return refused;
        var to = post.Form["to"].ToString();
        var remark = post.Form["remark"].ToString();
        return await ActAsync(http, post, web, patient, form, id, "advanced", (entries, actor, version) =>
            entries.AdvanceAsync(actor, form.Kind, id, version, to, remark, http.GetPurpose(), http.GetDecided(), http.RequestAborted));
    }

    private static async Task<IResult> EnteredInErrorAsync(HttpContext http, long patient, EntryForm form, string id, WebPages web)
    {
        var post = await web.SignedInPostAsync(http, EntryPath(patient, form.Kind, id), MaxFormBytes);
        if (post.Refusal is { } refused) return refused;
        var reason = post.Form["reason"].ToString();
        return await ActAsync(http, post, web, patient, form, id, "withdrawn", (entries, actor, _) =>
            entries.MarkEnteredInErrorAsync(actor, form.Kind, id, reason, http.GetPurpose(), http.GetDecided(), http.RequestAborted));
    }

    /// <summary>
    /// A state change on the entry's page (sign, advance, entered-in-error): the entry must be this patient's; the version
    /// the page showed travels with the form; a refusal shows the entry's page again with the reason.
    /// </summary>
    private static async Task<IResult> ActAsync(HttpContext http, SignedInPost post, WebPages web, long patient, EntryForm form, string id, string done,
        Func<RecordEntries, Actor, int, Task<PatientAnswer<RecordEntry>>> act)
    {
        var session = post.Session;
        var actor = ActorOf(http, session);
        var entries = Entries(http);
        var current = await entries.ReadAsync(actor, form.Kind, id, null, http.GetPurpose(), null, http.RequestAborted);
        if (!current.Done || current.Value!.PatientKey != patient) return await RefusalAsync(http, current.Done ? PatientOutcome.NotFound : current.Outcome);
        var values = Read(post.Form);
        if (!int.TryParse(values.Of("version"), NumberStyles.None, CultureInfo.InvariantCulture, out var version))
            return await EntryPageAsync(http, session, web, patient, form.Kind, id, new FormError(new Message("Chart.Changed"), null, null), values, StatusCodes.Status409Conflict);
        var answer = await act(entries, actor, version);
        return answer.Outcome switch
        {
            PatientOutcome.Done => WebPage.SeeOther(EntryPath(patient, form.Kind, id) + "?done=" + done),
            PatientOutcome.Invalid or PatientOutcome.Conflict => await EntryPageAsync(http, session, web, patient, form.Kind, id, Explain(http, form, answer), values,
                answer.Outcome == PatientOutcome.Invalid ? StatusCodes.Status400BadRequest : StatusCodes.Status409Conflict),
            _ => await RefusalAsync(http, answer.Outcome),
        };
    }

    private static readonly string[] Dones = ["recorded", "revised", "signed", "advanced", "withdrawn", "addendum"];

    /// <summary>What the redirect after a change says was done (?done=…), when it is one of ours.</summary>
    private static Message? Notice(HttpContext http) =>
        http.Request.Query["done"].ToString() is var done && Dones.Contains(done) ? new Message("Chart.Done." + done) : null;

    // ---- forms and refusals ---------------------------------------------------------------------------------------------

    private static FormValues Read(IFormCollection form)
    {
        var values = new FormValues();
        foreach (var (name, value) in form)
            if (name != "csrf") values[name] = value.ToString();
        return values;
    }

    private static IResult FormPage(WebSession session, ChartHead head, EntryForm form, FormValues values, string action, RecordEntry? current, FormError? error,
        int status = StatusCodes.Status200OK) =>
        WebPage.Render<EntryFormView>(new EntryFormView.Content(head, form, values, action, current, error), session, status, action);

    private static FormError Problem(FieldProblem p) => new(new Message("Chart.NotSaved", p.Text), p.Field, p.Text);

    /// <summary>
    /// A verb's refusal as the form shows it: the field it concerns (named by the Core check) with its label translated,
    /// the reason translated by its code ("Verb.&lt;code&gt;") when the strings know it, else the verb's English text.
    /// </summary>
    private static FormError Explain(HttpContext http, EntryForm form, PatientAnswer<RecordEntry> answer)
    {
        if (answer.Problem is not { } problem) return new FormError(new Message("Chart.NotSaved", answer.Message), null, null);
        var strings = http.RequestServices.GetRequiredService<IStringLocalizer<Strings>>();
        var field = form.FieldOf(problem);
        object[] args = [.. problem.Args.Select((a, i) => i == 0 && a is string name && (field?.Problem == name || form.Fields.Any(f => f.Problem == name))
            ? new Message(form.Fields.First(f => f.Problem == name).LabelKey) : a)];
        object detail = strings["Verb." + problem.Code].ResourceNotFound ? problem.Text : new Message("Verb." + problem.Code, args);
        var text = detail as Message ?? new Message("Chart.Verbatim", detail);
        return new FormError(new Message("Chart.NotSaved", detail), field?.Name, text);
    }

    private static Task<IResult> RefusalAsync(HttpContext http, PatientOutcome outcome) => outcome == PatientOutcome.Denied
        ? WebPage.RefuseAsync(http, StatusCodes.Status403Forbidden, new Message("Chart.Denied"))
        : WebPage.RefuseAsync(http, StatusCodes.Status404NotFound, new Message("Problem.NotFoundText"));
}

/// <summary>What every chart page shows on top: the patient and the allergy alerts.</summary>
public sealed record ChartHead(Patient Patient, IReadOnlyList<RecordEntry> Alerts);

/// <summary>A refusal to show on a form: the summary, the field it concerns (input name) and the text next to that field.</summary>
public sealed record FormError(Message Summary, string? Field, Message? FieldText);
