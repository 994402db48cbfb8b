using System.Globalization;
using Enamel.Core.Access;
using Enamel.Core.History;
using Enamel.Core.Insurance;
using Enamel.Core.LabCases;
using Enamel.Core.Notes;
using Enamel.Core.Records;
using Enamel.Core.Referrals;
using Enamel.Core.Treatment;
using Enamel.Server.Web;

namespace Enamel.Server.Features.Chart;

/// <summary>How a form field is written on the page.</summary>
public enum FieldType { Text, Area, Date, Select, Coding, Amount, Number }

/// <summary>
/// One field of an entry form: its input name (and id), the key of its label, how it is written, and the field name the
/// Core checks use in a <see cref="Core.Patients.PatientProblem"/> (so a refusal is shown next to the field it concerns).
/// </summary>
public sealed record FormField(string Name, string LabelKey, FieldType Type, string Problem, string[]? Options = null, bool Required = false)
{
    /// <summary>The ids of the inputs of a coded field: the text, the code and its system.</summary>
    public string CodeName => Name + "-code";
    public string SystemName => Name + "-system";
}

/// <summary>What a form posted (or an entry holds), by input name; missing names read as "".</summary>
public sealed class FormValues : Dictionary<string, string>
{
    public FormValues() : base(StringComparer.Ordinal) { }

    public string Of(string name) => TryGetValue(name, out var v) ? v : "";
}

/// <summary>A problem found while reading a form, before any verb runs (a number that is not one): its field and its message.</summary>
public sealed record FieldProblem(string Field, Message Text);

/// <summary>
/// The form of one kind of entry: its route segment, the category it is decided on, its fields, how a posted form becomes
/// a body (the current body when revising, for what the form does not carry), and how a body fills the form again.
/// </summary>
public sealed record EntryForm(RecordKind Kind, string Slug, FormField[] Fields, Func<FormValues, EntryBody?, string, (EntryBody? Body, FieldProblem? Problem)> Build,
    Func<EntryBody, FormValues> ValuesOf, IReadOnlyDictionary<string, string>? CodeFields = null)
{
    public RecordCategory Category => RecordEntries.CategoryOf(Kind);

    /// <summary>"Kind.note" … the kind's name in the strings.</summary>
    public string NameKey => "Kind." + Kind.Name;

    /// <summary>The form field a Core problem concerns: its field argument, or the field named for its code (checks that name none).</summary>
    public FormField? FieldOf(Core.Patients.PatientProblem problem)
    {
        if (CodeFields is not null && CodeFields.TryGetValue(problem.Code, out var name)) return Fields.FirstOrDefault(f => f.Name == name);
        return problem.Args.Length > 0 && problem.Args[0] is string field ? Fields.FirstOrDefault(f => f.Problem == field) : null;
    }
}

/// <summary>The forms of every kind the chart records (documents are filed elsewhere).</summary>
internal static class ChartForms
{
    public static readonly string[] CodeSystems = ["", Coding.Snomed, Coding.Icd10, Coding.RxNorm, Coding.Cdt, Coding.Local];

    /// <summary>The key naming a code system in the strings.</summary>
    public static string SystemKey(string system) => system switch
    {
        Coding.Snomed => "CodeSystem.Snomed",
        Coding.Icd10 => "CodeSystem.Icd10",
        Coding.RxNorm => "CodeSystem.RxNorm",
        Coding.Cdt => "CodeSystem.Cdt",
        Coding.Local => "CodeSystem.Local",
        _ => "CodeSystem.None",
    };

    private static FormField Text(string name, string problem, bool required = false) => new(name, "Field." + name, FieldType.Text, problem, Required: required);
    private static FormField Area(string name, string problem, bool required = false) => new(name, "Field." + name, FieldType.Area, problem, Required: required);
    private static FormField Date(string name, string problem, bool required = false) => new(name, "Field." + name, FieldType.Date, problem, Required: required);
    private static FormField Select(string name, string problem, string[] options) => new(name, "Field." + name, FieldType.Select, problem, options, true);
    private static FormField Code(string name, string problem) => new(name, "Field." + name, FieldType.Coding, problem, CodeSystems, true);

    private static Coding CodingOf(FormValues v, string name) => new(v.Of(name + "-system"), v.Of(name + "-code"), v.Of(name));

    private static void Put(FormValues v, string name, Coding c)
    {
        v[name] = c.Display;
        v[name + "-code"] = c.Code;
        v[name + "-system"] = c.System;
    }

    private static FormValues Values(params (string Name, string Value)[] pairs)
    {
        var v = new FormValues();
        foreach (var (name, value) in pairs) v[name] = value;
        return v;
    }

    private static (EntryBody?, FieldProblem?) Ok(EntryBody body) => (body, null);

    /// <summary>Teeth or ids typed separated by spaces or commas.</summary>
    public static IReadOnlyList<string> List(string text) => [.. text.Split([' ', ',', ';', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries)];

    /// <summary>"12.50" → 1250 (two decimals, as HKD, CNY, USD); null when not an amount.</summary>
    public static long? MinorUnits(string text)
    {
        if (!decimal.TryParse(text.Trim(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount) || decimal.Round(amount, 2) != amount) return null;
        return amount > 1_000_000_000m ? null : (long)(amount * 100);
    }

    public static string Amount(long minor) => (minor / 100m).ToString("0.00", CultureInfo.InvariantCulture);

    public static readonly EntryForm Coverage = new(RecordKind.Coverage, "coverage",
        [Text("payer", "payer", true), Text("plan", "plan"), Text("member-id", "member id", true), Text("subscriber", "subscriber"),
         Select("relationship", "relationship", Core.Insurance.Coverage.Relationships), Date("start", "start"), Date("end", "end"),
         Select("status", "status", Core.Insurance.Coverage.States)],
        (v, _, _) => Ok(new Coverage(v.Of("payer"), v.Of("plan"), v.Of("member-id"), v.Of("subscriber"), v.Of("relationship"), v.Of("start"), v.Of("end"), v.Of("status"))),
        b => b is Coverage c ? Values(("payer", c.Payer), ("plan", c.Plan), ("member-id", c.MemberId), ("subscriber", c.Subscriber), ("relationship", c.Relationship),
            ("start", c.Start), ("end", c.End), ("status", c.Status)) : new(),
        new Dictionary<string, string> { ["PeriodOrder"] = "end" });

    public static readonly EntryForm Ledger = new(RecordKind.LedgerLine, "ledger-line",
        [Select("type", "type", LedgerLine.Types), Date("date", "date", true), Text("description", "description", true),
         new FormField("amount", "Field.amount", FieldType.Amount, "amount", Required: true), Text("currency", "currency", true),
         Select("status", "status", LedgerLine.States)],
        (v, _, _) => MinorUnits(v.Of("amount")) is { } minor
            ? Ok(new LedgerLine(v.Of("type"), v.Of("date"), v.Of("description"), minor, v.Of("currency").Trim().ToUpperInvariant(), v.Of("status")))
            : (null, new FieldProblem("amount", new Message("Chart.AmountFormat"))),
        b => b is LedgerLine l ? Values(("type", l.Type), ("date", l.On), ("description", l.Description), ("amount", Amount(l.AmountMinor)), ("currency", l.Currency),
            ("status", l.Status)) : new(),
        new Dictionary<string, string> { ["Amount"] = "amount", ["Currency"] = "currency" });

    public static readonly EntryForm Condition = new(RecordKind.Condition, "condition",
        [Code("condition", "condition"), Select("clinical-status", "clinical status", Core.History.Condition.States), Date("onset", "onset"),
         Date("recorded", "recorded"), Area("note", "note")],
        (v, _, _) => Ok(new Condition(CodingOf(v, "condition"), v.Of("clinical-status"), v.Of("onset"), v.Of("recorded"), v.Of("note"))),
        b =>
        {
            if (b is not Condition c) return new();
            var v = Values(("clinical-status", c.ClinicalStatus), ("onset", c.Onset), ("recorded", c.Recorded), ("note", c.Note));
            Put(v, "condition", c.Code);
            return v;
        });

    public static readonly EntryForm Allergy = new(RecordKind.Allergy, "allergy",
        [Code("substance", "substance"), Select("allergy-type", "type", Core.History.Allergy.Types), Select("allergy-category", "category", Core.History.Allergy.Categories),
         Select("criticality", "criticality", Core.History.Allergy.Criticalities), Text("reaction", "reaction"),
         Select("clinical-status", "clinical status", Core.History.Allergy.States), Date("onset", "onset"), Date("recorded", "recorded")],
        (v, _, _) => Ok(new Allergy(CodingOf(v, "substance"), v.Of("allergy-type"), v.Of("allergy-category"), v.Of("criticality"), v.Of("reaction"),
            v.Of("clinical-status"), v.Of("onset"), v.Of("recorded"))),
        b =>
        {
            if (b is not Allergy a) return new();
            var v = Values(("allergy-type", a.Type), ("allergy-category", a.AllergyCategory), ("criticality", a.Criticality), ("reaction", a.Reaction),
                ("clinical-status", a.ClinicalStatus), ("onset", a.Onset), ("recorded", a.Recorded));
            Put(v, "substance", a.Substance);
            return v;
        });

    public static readonly EntryForm Medication = new(RecordKind.Medication, "medication",
        [Code("drug", "medication"), Text("dosage", "dosage"), Select("status", "status", Core.History.Medication.States), Date("start", "start"), Date("end", "end")],
        (v, _, _) => Ok(new Medication(CodingOf(v, "drug"), v.Of("dosage"), v.Of("status"), v.Of("start"), v.Of("end"))),
        b =>
        {
            if (b is not Medication m) return new();
            var v = Values(("dosage", m.Dosage), ("status", m.Status), ("start", m.Start), ("end", m.End));
            Put(v, "drug", m.Drug);
            return v;
        },
        new Dictionary<string, string> { ["PeriodOrder"] = "end" });

    public static readonly EntryForm PastProcedure = new(RecordKind.PastProcedure, "past-procedure",
        [Select("past-type", "type", Core.History.PastProcedure.Types), Code("what", "what"), Date("date", "date"), Text("place", "place"), Area("note", "note")],
        (v, _, _) => Ok(new PastProcedure(v.Of("past-type"), CodingOf(v, "what"), v.Of("date"), v.Of("place"), v.Of("note"))),
        b =>
        {
            if (b is not PastProcedure p) return new();
            var v = Values(("past-type", p.Type), ("date", p.On), ("place", p.Place), ("note", p.Note));
            Put(v, "what", p.What);
            return v;
        });

    public static readonly EntryForm Procedure = new(RecordKind.Procedure, "procedure",
        [Code("procedure", "procedure"), Text("tooth", "tooth"), Text("surfaces", "tooth"), Select("status", "status", Core.Treatment.Procedure.States),
         Date("date", "date"), Area("note", "note")],
        (v, current, user) => Ok(new Procedure(CodingOf(v, "procedure"), v.Of("tooth").Trim(), Teeth.NormalizeSurfaces(v.Of("surfaces")) ?? v.Of("surfaces"), v.Of("status"),
            v.Of("date"), (current as Procedure)?.Provider ?? user, v.Of("note"))),
        b =>
        {
            if (b is not Procedure p) return new();
            var v = Values(("tooth", p.Tooth), ("surfaces", p.Surfaces), ("status", p.Status), ("date", p.On), ("note", p.Note));
            Put(v, "procedure", p.Code);
            return v;
        },
        new Dictionary<string, string> { ["Surfaces"] = "surfaces", ["SurfacesWithoutTooth"] = "surfaces" });

    public static readonly EntryForm Prescription = new(RecordKind.Prescription, "prescription",
        [Code("drug", "medication"), Text("dose", "dose", true), Select("route", "route", Core.Treatment.Prescription.Routes), Text("frequency", "frequency", true),
         new FormField("duration", "Field.duration", FieldType.Number, "duration"), Text("quantity", "quantity"), Date("written", "written", true),
         Select("status", "status", Core.Treatment.Prescription.States), Area("note", "note")],
        (v, current, user) =>
        {
            var d = v.Of("duration").Trim();
            int days = 0;
            if (d.Length > 0 && !int.TryParse(d, NumberStyles.None, CultureInfo.InvariantCulture, out days))
                return (null, new FieldProblem("duration", new Message("Verb.Duration")));
            return Ok(new Prescription(CodingOf(v, "drug"), v.Of("dose"), v.Of("route"), v.Of("frequency"), days, v.Of("quantity"),
                (current as Prescription)?.Prescriber ?? user, v.Of("written"), v.Of("status"), v.Of("note")));
        },
        b =>
        {
            if (b is not Prescription p) return new();
            var v = Values(("dose", p.Dose), ("route", p.Route), ("frequency", p.Frequency), ("duration", p.DurationDays.ToString(CultureInfo.InvariantCulture)),
                ("quantity", p.Quantity), ("written", p.Written), ("status", p.Status), ("note", p.Note));
            Put(v, "drug", p.Drug);
            return v;
        },
        new Dictionary<string, string> { ["Duration"] = "duration" });

    public static readonly EntryForm Note = new(RecordKind.Note, "note",
        [Text("title", "title", true), Area("text", "text", true), Date("date", "date", true)],
        (v, current, _) => Ok(new ClinicalNote(v.Of("title"), v.Of("text"), v.Of("date"), "draft", (current as ClinicalNote)?.Appends ?? v.Of("appends"))),
        b => b is ClinicalNote n ? Values(("title", n.Title), ("text", n.Text), ("date", n.On)) : new());

    public static readonly EntryForm LabCase = new(RecordKind.LabCase, "lab-case",
        [Text("lab", "lab", true), Area("specification", "specification", true), Text("shade", "shade"), Text("teeth", "teeth"), Date("due", "due"),
         Text("attachments", "attachments"), Text("report", "report")],
        (v, current, _) => Ok(new LabCase(v.Of("lab"), v.Of("specification"), v.Of("shade"), List(v.Of("teeth")), List(v.Of("attachments")), v.Of("due"),
            (current as LabCase)?.Status ?? "draft", v.Of("report").Trim())),
        b => b is LabCase l ? Values(("lab", l.Lab), ("specification", l.Specification), ("shade", l.Shade), ("teeth", string.Join(' ', l.TeethCovered)),
            ("due", l.Due), ("attachments", string.Join(' ', l.Attachments)), ("report", l.Report)) : new(),
        new Dictionary<string, string> { ["TooManyTeeth"] = "teeth" });

    public static readonly EntryForm Referral = new(RecordKind.Referral, "referral",
        [Text("to", "to", true), Text("specialty", "specialty"), Area("summary", "summary", true), Date("date", "date", true), Text("attachments", "attachments"),
         Text("reply", "reply")],
        (v, current, _) => Ok(new Referral(v.Of("to"), v.Of("specialty"), v.Of("summary"), List(v.Of("attachments")), v.Of("date"),
            (current as Referral)?.Status ?? "draft", v.Of("reply").Trim())),
        b => b is Referral r ? Values(("to", r.To), ("specialty", r.Specialty), ("summary", r.Summary), ("date", r.On),
            ("attachments", string.Join(' ', r.Attachments)), ("reply", r.Reply)) : new());

    public static readonly IReadOnlyList<EntryForm> All = [Condition, Allergy, Medication, PastProcedure, Procedure, Prescription, Note, Coverage, Ledger, LabCase, Referral];

    public static EntryForm? Of(RecordKind kind) => All.FirstOrDefault(f => f.Kind == kind);

    public static EntryForm? Of(string slug) => All.FirstOrDefault(f => f.Slug == slug);

    /// <summary>The chart's sections in order, each a category and the kinds it lists.</summary>
    public static readonly (RecordCategory Category, string Anchor, RecordKind[] Kinds)[] Sections =
    [
        (RecordCategory.MedicalHistory, "medical-history", [RecordKind.Allergy, RecordKind.Condition, RecordKind.Medication, RecordKind.PastProcedure]),
        (RecordCategory.TreatmentRecords, "treatment", [RecordKind.Procedure, RecordKind.Prescription]),
        (RecordCategory.ClinicalNotes, "notes", [RecordKind.Note]),
        (RecordCategory.InsuranceBilling, "insurance", [RecordKind.Coverage, RecordKind.LedgerLine]),
        (RecordCategory.LabReports, "lab-cases", [RecordKind.LabCase]),
        (RecordCategory.Referrals, "referrals", [RecordKind.Referral]),
    ];

    /// <summary>A short line naming an entry in lists and headings (what the person typed, never translated).</summary>
    public static string Summary(EntryBody body) => body switch
    {
        Coverage c => $"{c.Payer}{(c.Plan.Length > 0 ? " · " + c.Plan : "")} · {c.MemberId}",
        LedgerLine l => $"{l.Description} · {Amount(l.AmountMinor)} {l.Currency}",
        Condition c => Show(c.Code),
        Allergy a => Show(a.Substance),
        Medication m => Show(m.Drug) + (m.Dosage.Length > 0 ? " · " + m.Dosage : ""),
        PastProcedure p => Show(p.What),
        Procedure p => Show(p.Code),
        Prescription p => $"{Show(p.Drug)} · {p.Dose} · {p.Frequency}",
        ClinicalNote n => n.Title,
        LabCase l => $"{l.Lab} · {Clip(l.Specification)}",
        Referral r => $"{r.To}{(r.Specialty.Length > 0 ? " · " + r.Specialty : "")}",
        _ => body.Kind.Name,
    };

    public static string Show(Coding c) => c.Display.Length > 0 ? (c.Code.Length > 0 ? $"{c.Display} ({c.Code})" : c.Display) : c.Code;

    private static string Clip(string s) => s.Length <= 60 ? s : s[..60] + "…";
}
