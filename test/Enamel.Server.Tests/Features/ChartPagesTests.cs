using System.Net;
using System.Text.RegularExpressions;
using Enamel.Core.Access;
using Enamel.Server.Tests.Web;
using WebClient = Enamel.Server.Tests.Web.WebClient;

namespace Enamel.Server.Tests.Features;

/// <summary>
/// The patient chart over HTTP as a browser uses it (session cookie, CSRF token from the form), on the real server and
/// store: entries recorded through the forms, refusals shown next to their field with nothing stored, the allergy alert
/// on every clinical screen, the odontogram from the procedures, notes signed and completed by addenda, the lab trail,
/// entered-in-error, versions, and the roles kept apart (a receptionist sees no notes and no medical history).
/// </summary>
public sealed partial class ChartPagesTests(WebServerFixture server) : IClassFixture<WebServerFixture>
{
    private const string Password = "a long enough password";

    private async Task<WebClient> SignedInAsync(string role)
    {
        var name = role + "-" + Guid.NewGuid().ToString("N")[..8];
        await server.CreateUserAsync(name, Password, role);
        var client = server.Client();
        var (signedIn, _) = await client.SignInAsync(name, Password, "/home");
        WebClient.AssertSeeOther(signedIn, "/home");
        return client;
    }

    private async Task<long> PatientAsync()
    {
        using var desk = await SignedInAsync(RoleTable.Receptionist);
        var chart = "CH-" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        var (response, body) = await desk.SubmitAsync("/patients/new", "/patients/new",
            ("family", "Wong"), ("given", "Siu Ming"), ("birth-date", "1975-06-01"), ("sex", "F"), ("chart", chart), ("reason", "first visit"));
        Assert.True(response.StatusCode == HttpStatusCode.SeeOther, $"registration answered {(int)response.StatusCode}:\n{body}");
        return long.Parse(WebClient.Location(response)!["/patients/".Length..], System.Globalization.CultureInfo.InvariantCulture);
    }

    private static string Chart(long patient) => $"/patients/{patient}/chart";

    /// <summary>Posts the form of <paramref name="slug"/> for the patient; returns the response and page.</summary>
    private static Task<(HttpResponseMessage Response, string Body)> RecordAsync(WebClient client, long patient, string slug, params (string, string)[] fields) =>
        client.SubmitAsync($"{Chart(patient)}/{slug}/new", $"{Chart(patient)}/{slug}/new", fields);

    /// <summary>Records an entry and returns its page's path (without the notice).</summary>
    private static async Task<string> RecordOkAsync(WebClient client, long patient, string slug, params (string, string)[] fields)
    {
        var (response, body) = await RecordAsync(client, patient, slug, fields);
        Assert.True(response.StatusCode == HttpStatusCode.SeeOther, $"recording a {slug} answered {(int)response.StatusCode}:\n{body}");
        var location = WebClient.Location(response)!;
        Assert.Matches($"^{Chart(patient)}/{slug}/[A-Za-z0-9.-]+\\?done=recorded$", location);
        return location[..location.IndexOf('?', StringComparison.Ordinal)];
    }

    private static readonly (string, string)[] HighAllergy =
        [("substance", "Penicillin"), ("substance-code", "764146007"), ("substance-system", "http://snomed.info/sct"), ("allergy-type", "allergy"),
         ("allergy-category", "medication"), ("criticality", "high"), ("reaction", "anaphylaxis"), ("clinical-status", "active"), ("onset", "2001"), ("recorded", "2026-01-05")];

    [Fact]
    public async Task ADentist_RecordsAHighCriticalityAllergy_AndItIsAnAlertOnEveryClinicalScreen()
    {
        long patient = await PatientAsync();
        using var dentist = await SignedInAsync(RoleTable.Dentist);
        var (_, before) = await dentist.GetAsync(Chart(patient));
        Assert.DoesNotContain("id=\"allergy-alerts\"", before, StringComparison.Ordinal);

        var allergy = await RecordOkAsync(dentist, patient, "allergy", HighAllergy);
        // A low-criticality one is no alert.
        await RecordOkAsync(dentist, patient, "allergy", ("substance", "Latex"), ("allergy-type", "allergy"), ("allergy-category", "environment"),
            ("criticality", "low"), ("clinical-status", "active"));

        foreach (var screen in new[] { Chart(patient), allergy, $"{Chart(patient)}/procedure/new", $"{Chart(patient)}/note/new", $"/patients/{patient}" })
        {
            var (response, page) = await dentist.GetAsync(screen);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains("id=\"allergy-alerts\"", page, StringComparison.Ordinal);
            Assert.Contains("role=\"alert\"", page, StringComparison.Ordinal);
            Assert.Contains("Allergy to Penicillin (764146007) (criticality: high) — anaphylaxis", page, StringComparison.Ordinal);
            Assert.DoesNotContain("Allergy to Latex", page, StringComparison.Ordinal);
        }
        var (_, chart) = await dentist.GetAsync(Chart(patient));
        Assert.Contains("Latex", chart, StringComparison.Ordinal); // listed in the medical history all the same
        Assert.Contains($"href=\"{allergy}\"", chart, StringComparison.Ordinal);

        // A receptionist reads no medical history: their screens carry no alert (and name no allergy).
        using var desk = await SignedInAsync(RoleTable.Receptionist);
        foreach (var screen in new[] { Chart(patient), $"/patients/{patient}" })
            Assert.DoesNotContain("Penicillin", (await desk.GetAsync(screen)).Body, StringComparison.Ordinal);

        // A long note in Chinese (20,000 characters, far beyond the usual 64 KiB form once URL-encoded) is recorded.
        var longNote = await RecordOkAsync(dentist, patient, "note", ("title", "長"), ("text", new string('齲', 20_000)), ("date", "2026-03-01"));
        Assert.Contains(new string('齲', 20_000), (await dentist.GetAsync(longNote)).Body, StringComparison.Ordinal);

        // In Chinese too.
        var (_, zh) = await dentist.GetAsync(Chart(patient), r => r.Headers.Add("Accept-Language", "zh-HK"));
        Assert.Contains("警示", zh, StringComparison.Ordinal);
        Assert.Contains("嚴重程度：高", zh, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadInput_IsShownNextToItsField_WithWhatWasTyped_AndNothingIsStored()
    {
        long patient = await PatientAsync();
        using var dentist = await SignedInAsync(RoleTable.Dentist);

        var (bad, page) = await RecordAsync(dentist, patient, "procedure", ("procedure", "Composite filling"), ("procedure-code", "D2391"),
            ("procedure-system", "http://www.ada.org/cdt"), ("tooth", "19"), ("surfaces", "MO"), ("status", "planned"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("role=\"alert\"", page, StringComparison.Ordinal);
        Assert.Contains("<p class=\"field-error\" id=\"tooth-error\">Tooth (FDI): not an FDI tooth number (11–48, deciduous 51–85)</p>", page, StringComparison.Ordinal);
        Assert.Matches("<input id=\"tooth\" name=\"tooth\"[^>]*value=\"19\"[^>]*aria-invalid=\"true\"[^>]*aria-describedby=\"tooth-error", page);
        Assert.Contains("value=\"Composite filling\"", page, StringComparison.Ordinal);

        var (badDate, datePage) = await RecordAsync(dentist, patient, "condition", ("condition", "Type 2 diabetes"), ("clinical-status", "active"), ("onset", "2020-13-40"));
        Assert.Equal(HttpStatusCode.BadRequest, badDate.StatusCode);
        Assert.Contains("id=\"onset-error\"", datePage, StringComparison.Ordinal);

        var (badAmount, amountPage) = await RecordAsync(dentist, patient, "ledger-line", ("type", "charge"), ("date", "2026-02-01"), ("description", "records copy"),
            ("amount", "12.345"), ("currency", "HKD"), ("status", "active"));
        // A dentist may read but not record billing: refused by the gate before the form is read.
        Assert.Equal(HttpStatusCode.Forbidden, badAmount.StatusCode);
        using var desk = await SignedInAsync(RoleTable.Receptionist);
        (badAmount, amountPage) = await RecordAsync(desk, patient, "ledger-line", ("type", "charge"), ("date", "2026-02-01"), ("description", "records copy"),
            ("amount", "12.345"), ("currency", "HKD"), ("status", "active"));
        Assert.Equal(HttpStatusCode.BadRequest, badAmount.StatusCode);
        Assert.Contains("id=\"amount-error\"", amountPage, StringComparison.Ordinal);
        var (badCurrency, currencyPage) = await RecordAsync(desk, patient, "ledger-line", ("type", "charge"), ("date", "2026-02-01"), ("description", "records copy"),
            ("amount", "12.50"), ("currency", "dollars"), ("status", "active"));
        Assert.Equal(HttpStatusCode.BadRequest, badCurrency.StatusCode);
        Assert.Contains("id=\"currency-error\"", currencyPage, StringComparison.Ordinal);

        // A form without its CSRF token changes nothing.
        var (forged, _) = await dentist.PostAsync($"{Chart(patient)}/condition/new", [KeyValuePair.Create("condition", "Hypertension"), KeyValuePair.Create("clinical-status", "active")]);
        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);

        var (_, chart) = await dentist.GetAsync(Chart(patient));
        Assert.DoesNotContain("Composite filling", chart, StringComparison.Ordinal);
        Assert.DoesNotContain("Type 2 diabetes", chart, StringComparison.Ordinal);
        Assert.DoesNotContain("Hypertension", chart, StringComparison.Ordinal);
        Assert.DoesNotContain("records copy", chart, StringComparison.Ordinal);
        Assert.Contains("<p id=\"balance\"><strong>Balance:</strong> 0.00</p>", chart, StringComparison.Ordinal);

        // The same ledger line typed right is recorded, and the balance follows charges and payments.
        await RecordOkAsync(desk, patient, "ledger-line", ("type", "charge"), ("date", "2026-02-01"), ("description", "records copy"), ("amount", "120.00"), ("currency", "HKD"), ("status", "active"));
        await RecordOkAsync(desk, patient, "ledger-line", ("type", "payment"), ("date", "2026-02-02"), ("description", "cash"), ("amount", "20.50"), ("currency", "HKD"), ("status", "active"));
        var (_, billing) = await desk.GetAsync(Chart(patient));
        Assert.Contains("<p id=\"balance\"><strong>Balance:</strong> 99.50 HKD</p>", billing, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AReceptionist_SeesNoNotesAndNoMedicalHistory_AndIsRefusedThem()
    {
        long patient = await PatientAsync();
        using var dentist = await SignedInAsync(RoleTable.Dentist);
        var note = await RecordOkAsync(dentist, patient, "note", ("title", "Exam"), ("text", "Caries 16 MO."), ("date", "2026-03-01"));
        await RecordOkAsync(dentist, patient, "allergy", HighAllergy);

        using var desk = await SignedInAsync(RoleTable.Receptionist);
        var (chart, page) = await desk.GetAsync(Chart(patient));
        Assert.Equal(HttpStatusCode.OK, chart.StatusCode);
        Assert.Contains("id=\"insurance\"", page, StringComparison.Ordinal);
        Assert.Contains("id=\"referrals\"", page, StringComparison.Ordinal);
        Assert.Contains("id=\"new-coverage\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"notes\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"medical-history\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"treatment\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain("Exam", page, StringComparison.Ordinal);
        Assert.DoesNotContain("Penicillin", page, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.Forbidden, (await desk.GetAsync(note)).Response.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await desk.GetAsync($"{Chart(patient)}/note/new")).Response.StatusCode);
        var csrf = WebClient.CsrfToken((await desk.GetAsync(Chart(patient))).Body);
        var (post, _) = await desk.PostAsync($"{Chart(patient)}/note/new",
            [KeyValuePair.Create("csrf", csrf), KeyValuePair.Create("title", "Desk note"), KeyValuePair.Create("text", "x"), KeyValuePair.Create("date", "2026-03-01")]);
        Assert.Equal(HttpStatusCode.Forbidden, post.StatusCode);
        var (_, after) = await dentist.GetAsync(Chart(patient));
        Assert.DoesNotContain("Desk note", after, StringComparison.Ordinal);

        // The receptionist records insurance.
        var coverage = await RecordOkAsync(desk, patient, "coverage", ("payer", "Blue Cross"), ("plan", "Dental Plus"), ("member-id", "M-001"),
            ("subscriber", "self"), ("relationship", "self"), ("start", "2026-01-01"), ("status", "active"));
        Assert.Contains("Blue Cross", (await desk.GetAsync(coverage)).Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ANote_IsSignedByADentist_ThenChangesOnlyByAddenda_AndEveryVersionStaysReadable()
    {
        long patient = await PatientAsync();
        using var dentist = await SignedInAsync(RoleTable.Dentist);
        var note = await RecordOkAsync(dentist, patient, "note", ("title", "Exam"), ("text", "Caries 16 MO."), ("date", "2026-03-01"));

        // A draft is revised (with a reason) …
        var (noReason, noReasonPage) = await dentist.SubmitAsync(note + "/edit", note + "/edit", ("version", "1"), ("title", "Exam"), ("text", "Caries 16 MOD."), ("date", "2026-03-01"));
        Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        Assert.Contains("a reason for the amendment is required", noReasonPage, StringComparison.Ordinal);
        var (revised, _) = await dentist.SubmitAsync(note + "/edit", note + "/edit", ("version", "1"), ("title", "Exam"), ("text", "Caries 16 MOD."), ("date", "2026-03-01"), ("reason", "surface"));
        WebClient.AssertSeeOther(revised, note + "?done=revised");
        // … a stale revision is refused …
        var (stale, _) = await dentist.SubmitAsync(note + "/edit", note + "/edit", ("version", "1"), ("title", "Exam"), ("text", "other"), ("date", "2026-03-01"), ("reason", "late"));
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);

        // … then signed: the page shows the signature and offers no revision any more.
        var (draftPage, draft) = await dentist.GetAsync(note);
        Assert.Contains("id=\"sign\"", draft, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"add-addendum\"", draft, StringComparison.Ordinal);
        var (signed, _) = await dentist.SubmitAsync(note, note + "/sign", ("version", "2"));
        WebClient.AssertSeeOther(signed, note + "?done=signed");
        var (_, signedPage) = await dentist.GetAsync(note);
        Assert.Matches("<dd id=\"signature\">signed by dentist-[0-9a-f]{8} at 20[0-9-]+ [0-9:]+ UTC</dd>", signedPage);
        Assert.DoesNotContain("id=\"revise\"", signedPage, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"sign\"", signedPage, StringComparison.Ordinal);
        var (locked, lockedPage) = await dentist.SubmitAsync(note + "/edit", note + "/edit", ("version", "3"), ("title", "Exam"), ("text", "changed"), ("date", "2026-03-01"), ("reason", "x"));
        Assert.Equal(HttpStatusCode.Conflict, locked.StatusCode);
        Assert.Contains("a signed note is locked: add an addendum instead", lockedPage, StringComparison.Ordinal);

        // An addendum, from the form on the signed note.
        var (empty, emptyPage) = await dentist.SubmitAsync(note, $"{Chart(patient)}/note/new", ("appends", note[(note.LastIndexOf('/') + 1)..]), ("title", "Addendum"), ("text", ""), ("date", "2026-03-02"));
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Contains("Text is required", emptyPage, StringComparison.Ordinal);
        var (added, _) = await dentist.SubmitAsync(note, $"{Chart(patient)}/note/new", ("appends", note[(note.LastIndexOf('/') + 1)..]), ("title", "Addendum"),
            ("text", "Patient reports sensitivity."), ("date", "2026-03-02"));
        WebClient.AssertSeeOther(added, note + "?done=addendum");
        var (_, withAddendum) = await dentist.GetAsync(note);
        Assert.Contains("Patient reports sensitivity.", withAddendum, StringComparison.Ordinal);

        // Every version is listed with its content.
        Assert.Equal(3, VersionRow().Matches(withAddendum[withAddendum.IndexOf("id=\"versions\"", StringComparison.Ordinal)..]).Count);
        Assert.Contains("Caries 16 MO.", withAddendum, StringComparison.Ordinal); // version 1, kept
        Assert.Contains("surface", withAddendum, StringComparison.Ordinal);

        // A receptionist is refused signing (by the gate); a note entered in error needs a reason and stays readable.
        var (noWhy, noWhyPage) = await dentist.SubmitAsync(note, note + "/error", ("version", "3"), ("reason", " "));
        Assert.Equal(HttpStatusCode.BadRequest, noWhy.StatusCode);
        Assert.Contains("id=\"form-error\"", noWhyPage, StringComparison.Ordinal);
        var (withdrawn, _) = await dentist.SubmitAsync(note, note + "/error", ("version", "3"), ("reason", "wrong patient"));
        WebClient.AssertSeeOther(withdrawn, note + "?done=withdrawn");
        var (_, marked) = await dentist.GetAsync(note);
        Assert.Contains("id=\"entered-in-error\"", marked, StringComparison.Ordinal);
        Assert.Contains("wrong patient", marked, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"mark-error\"", marked, StringComparison.Ordinal);
        Assert.DoesNotContain("href=\"" + note + "\"", (await dentist.GetAsync(Chart(patient))).Body, StringComparison.Ordinal);
        var (_, withWithdrawn) = await dentist.GetAsync(Chart(patient) + "?withdrawn=1");
        Assert.Contains("href=\"" + note + "\"", withWithdrawn, StringComparison.Ordinal); // kept, and shown as such on request
        Assert.Contains("<strong class=\"withdrawn-mark\"> — Entered in error.</strong>", withWithdrawn, StringComparison.Ordinal);
    }

    /// <summary>
    /// The role table lets a hygienist write notes (ClinicalNotes: RC) but not amend them: a hygienist revises and signs
    /// their own draft (as its creator), but the page offers no sign or revise on a dentist's draft and a forged sign is
    /// refused; a stale sign is a conflict.
    /// </summary>
    [Fact]
    public async Task AHygienist_SignsTheirOwnDraft_ButNotADentists()
    {
        long patient = await PatientAsync();
        using var hygienist = await SignedInAsync(RoleTable.Hygienist);
        using var dentist = await SignedInAsync(RoleTable.Dentist);
        var own = await RecordOkAsync(hygienist, patient, "note", ("title", "Scaling"), ("text", "Full-mouth scaling."), ("date", "2026-03-01"));
        var (_, page) = await hygienist.GetAsync(own);
        Assert.Contains("Full-mouth scaling.", page, StringComparison.Ordinal);
        Assert.Contains("id=\"sign\"", page, StringComparison.Ordinal);
        Assert.Contains("id=\"revise\"", page, StringComparison.Ordinal);
        var (signedOwn, _) = await hygienist.SubmitAsync(own, own + "/sign", ("version", "1"));
        WebClient.AssertSeeOther(signedOwn, own + "?done=signed");

        var theirs = await RecordOkAsync(dentist, patient, "note", ("title", "Exam"), ("text", "Caries 36 D."), ("date", "2026-03-01"));
        var (_, theirsPage) = await hygienist.GetAsync(theirs);
        Assert.DoesNotContain("id=\"sign\"", theirsPage, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"revise\"", theirsPage, StringComparison.Ordinal);
        var (forged, _) = await hygienist.SubmitAsync(theirs, theirs + "/sign", ("version", "1"));
        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);

        var (stale, stalePage) = await dentist.SubmitAsync(theirs, theirs + "/sign", ("version", "7"));
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        Assert.Contains("the entry changed since you opened it", stalePage, StringComparison.Ordinal);
        var (signed, _) = await dentist.SubmitAsync(theirs, theirs + "/sign", ("version", "1"));
        WebClient.AssertSeeOther(signed, theirs + "?done=signed");
        Assert.Contains("id=\"signature\"", (await hygienist.GetAsync(theirs)).Body, StringComparison.Ordinal);
    }

    [GeneratedRegex("<tr[^>]*>\\s*<td>[0-9]+</td>")]
    private static partial Regex VersionRow();

    [Fact]
    public async Task TheOdontogram_ShowsEachToothsWork_InWords_AndLinksToItsProcedures()
    {
        long patient = await PatientAsync();
        using var dentist = await SignedInAsync(RoleTable.Dentist);
        await RecordOkAsync(dentist, patient, "procedure", ("procedure", "Crown"), ("tooth", "16"), ("status", "planned"), ("date", "2026-04-01"));
        await RecordOkAsync(dentist, patient, "procedure", ("procedure", "Amalgam filling"), ("tooth", "36"), ("surfaces", "om"), ("status", "completed"), ("date", "2026-01-10"));
        await RecordOkAsync(dentist, patient, "procedure", ("procedure", "Sealant"), ("tooth", "85"), ("status", "existing"));

        var (_, chart) = await dentist.GetAsync(Chart(patient));
        var teeth = ToothLink().Matches(chart).Select(m => m.Groups["fdi"].Value).ToList();
        Assert.Equal(52, teeth.Count);
        Assert.Equal(["18", "17", "16", "15", "14", "13", "12", "11", "21", "22"], teeth.Take(10));
        Assert.Equal(["55", "54", "53", "52", "51", "61"], teeth.Skip(16).Take(6));
        Assert.Equal(["85", "84"], teeth.Skip(26).Take(2));
        Assert.Equal(["48", "47"], teeth.Skip(36).Take(2));
        Assert.Equal("38", teeth[^1]);
        Assert.Contains("<span class=\"visually-hidden\">Tooth 16: planned</span><span class=\"fdi\" aria-hidden=\"true\">16</span><span class=\"marks\" aria-hidden=\"true\">P</span>", chart, StringComparison.Ordinal);
        Assert.Contains("<span class=\"visually-hidden\">Tooth 36: completed</span><span class=\"fdi\" aria-hidden=\"true\">36</span><span class=\"marks\" aria-hidden=\"true\">C</span>", chart, StringComparison.Ordinal);
        Assert.Contains("<span class=\"visually-hidden\">Tooth 85: existing</span><span class=\"fdi\" aria-hidden=\"true\">85</span><span class=\"marks\" aria-hidden=\"true\">E</span>", chart, StringComparison.Ordinal);
        Assert.Contains("<span class=\"visually-hidden\">Tooth 11: nothing recorded</span><span class=\"fdi\" aria-hidden=\"true\">11</span><span class=\"marks\" aria-hidden=\"true\"></span>", chart, StringComparison.Ordinal);

        var (_, tooth36) = await dentist.GetAsync(Chart(patient) + "?tooth=36");
        Assert.Contains("Procedures on tooth 36", tooth36, StringComparison.Ordinal);
        Assert.Contains("Amalgam filling", tooth36, StringComparison.Ordinal);
        Assert.Contains("<td>36 MO</td>", tooth36, StringComparison.Ordinal); // surfaces normalised
        Assert.DoesNotContain(">Crown<", tooth36, StringComparison.Ordinal);
        Assert.Contains($"href=\"{Chart(patient)}/procedure/new?tooth=36\"", tooth36, StringComparison.Ordinal);
        Assert.Contains("value=\"36\"", (await dentist.GetAsync($"{Chart(patient)}/procedure/new?tooth=36")).Body, StringComparison.Ordinal);
    }

    [GeneratedRegex("<li class=\"tooth[^\"]*\">\\s*<a href=\"/patients/[0-9]+/chart\\?tooth=(?<fdi>[0-9]{2})#treatment\"")]
    private static partial Regex ToothLink();

    [Fact]
    public async Task ALabCase_MovesAlongItsTrail_OnlyToTheAllowedNextState()
    {
        long patient = await PatientAsync();
        using var dentist = await SignedInAsync(RoleTable.Dentist);
        var lab = await RecordOkAsync(dentist, patient, "lab-case", ("lab", "Kowloon Dental Lab"), ("specification", "PFM crown"), ("shade", "A2"), ("teeth", "16"), ("due", "2026-05-01"));
        var (_, draft) = await dentist.GetAsync(lab);
        Assert.Contains("id=\"to-sent\"", draft, StringComparison.Ordinal);
        Assert.Contains("id=\"to-cancelled\"", draft, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"to-returned\"", draft, StringComparison.Ordinal);

        var (skip, skipPage) = await dentist.SubmitAsync(lab, lab + "/advance", ("version", "1"), ("to", "returned"));
        Assert.Equal(HttpStatusCode.Conflict, skip.StatusCode);
        Assert.Contains("this status cannot follow the current one", skipPage, StringComparison.Ordinal);

        var (sent, _) = await dentist.SubmitAsync(lab, lab + "/advance", ("version", "1"), ("to", "sent"), ("remark", "courier 9am"));
        WebClient.AssertSeeOther(sent, lab + "?done=advanced");
        var (_, page) = await dentist.GetAsync(lab);
        Assert.Contains("<dd id=\"entry-status\">sent</dd>", page, StringComparison.Ordinal);
        Assert.Contains("courier 9am", page, StringComparison.Ordinal);
        Assert.Contains("id=\"to-received\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"to-sent\"", page, StringComparison.Ordinal);

        // A referral too; a receptionist records one (Referrals: RC) but does not move it (no amend).
        using var desk = await SignedInAsync(RoleTable.Receptionist);
        var referral = await RecordOkAsync(desk, patient, "referral", ("to", "Dr Lee, oral surgery"), ("specialty", "oral surgery"), ("summary", "Impacted 38"), ("date", "2026-03-03"));
        Assert.DoesNotContain("id=\"to-sent\"", (await desk.GetAsync(referral)).Body, StringComparison.Ordinal);
        var (deskMove, _) = await desk.SubmitAsync(referral, referral + "/advance", ("version", "1"), ("to", "sent"));
        Assert.Equal(HttpStatusCode.Forbidden, deskMove.StatusCode);
        var (move, _) = await dentist.SubmitAsync(referral, referral + "/advance", ("version", "1"), ("to", "sent"));
        WebClient.AssertSeeOther(move, referral + "?done=advanced");
    }

    [Fact]
    public async Task AnEntryOfAnotherPatient_IsNotFoundUnderThisOne()
    {
        long a = await PatientAsync(), b = await PatientAsync();
        using var dentist = await SignedInAsync(RoleTable.Dentist);
        var condition = await RecordOkAsync(dentist, a, "condition", ("condition", "Asthma"), ("clinical-status", "active"));
        var id = condition[(condition.LastIndexOf('/') + 1)..];
        Assert.Equal(HttpStatusCode.NotFound, (await dentist.GetAsync($"{Chart(b)}/condition/{id}")).Response.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await dentist.GetAsync($"{Chart(a)}/condition/nosuchentry")).Response.StatusCode);
        var (_, page) = await dentist.GetAsync(condition);
        Assert.Contains("Asthma", page, StringComparison.Ordinal);
    }
}
