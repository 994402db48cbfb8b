using System.Globalization;
using System.Text.Json.Serialization;
using Enamel.Core.Access;
using Enamel.Core.Patients;

namespace Enamel.Core.Records;

/// <summary>
/// What one clinical record entry says: a condition, an allergy, a procedure on a tooth, a note, a lab case … One
/// sealed record type per <see cref="RecordKind"/>, in the folder of its category (Core/History, Core/Treatment …).
/// The body is what a version holds; the kernel (<see cref="RecordEntries"/>) keeps every version, decides on the
/// body's <see cref="Category"/> and audits. Stored as JSON sealed under the patient's data key; "kind" names the type.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind", UnknownDerivedTypeHandling = JsonUnknownDerivedTypeHandling.FailSerialization)]
[JsonDerivedType(typeof(Insurance.Coverage), "coverage")]
[JsonDerivedType(typeof(Insurance.LedgerLine), "ledger-line")]
[JsonDerivedType(typeof(History.Condition), "condition")]
[JsonDerivedType(typeof(History.Allergy), "allergy")]
[JsonDerivedType(typeof(History.Medication), "medication")]
[JsonDerivedType(typeof(History.PastProcedure), "past-procedure")]
[JsonDerivedType(typeof(Treatment.Procedure), "procedure")]
[JsonDerivedType(typeof(Treatment.Prescription), "prescription")]
[JsonDerivedType(typeof(Notes.ClinicalNote), "note")]
[JsonDerivedType(typeof(LabCases.LabCase), "lab-case")]
[JsonDerivedType(typeof(Referrals.Referral), "referral")]
[JsonDerivedType(typeof(Documents.Document), "document")]
public abstract record EntryBody
{
    [JsonIgnore] public abstract RecordKind Kind { get; }

    /// <summary>The category the policy decides on (fixed per kind, but for a document, which names its own).</summary>
    [JsonIgnore] public abstract RecordCategory Category { get; }

    /// <summary>The entry's status in its own workflow ("active", "planned", "signed", "sent" …), lower-case.</summary>
    [JsonIgnore] public abstract string State { get; }

    /// <summary>The clinically relevant date (onset, performed, written) as yyyy[-MM[-dd]], or "" when none.</summary>
    [JsonIgnore] public abstract string Date { get; }

    /// <summary>The codes a search by code matches ("system|code" and the bare code).</summary>
    [JsonIgnore] public virtual IEnumerable<Coding> Codes => [];

    /// <summary>The first rule this body breaks, or null. Runs before anything is written.</summary>
    public abstract PatientProblem? Check();
}

/// <summary>A code from a code system: SNOMED CT, ICD-10, RxNorm, CDT (where the clinic holds a licence), or the clinic's own list.</summary>
public sealed record Coding(string System, string Code, string Display = "")
{
    public const string Snomed = "http://snomed.info/sct";
    public const string Icd10 = "http://hl7.org/fhir/sid/icd-10";
    public const string RxNorm = "http://www.nlm.nih.gov/research/umls/rxnorm";
    public const string Cdt = "http://www.ada.org/cdt";
    /// <summary>The clinic's own codes (a clinic-editable list).</summary>
    public const string Local = "urn:enamel:local";

    /// <summary>A coding with no code: only the text a person typed.</summary>
    public static Coding Text(string display) => new("", "", display);

    public bool IsEmpty => Code.Length == 0 && Display.Length == 0;

    public override string ToString() => Code.Length == 0 ? Display : $"{System}|{Code}";
}

/// <summary>The checks entry bodies share (lengths, dates, codes, states), each answering a <see cref="PatientProblem"/>.</summary>
public static class EntryRules
{
    public const int MaxText = 20_000;
    public const int MaxShort = 256;

    /// <summary>A FHIR date: yyyy, yyyy-MM or yyyy-MM-dd, a real date not later than tomorrow (UTC) unless <paramref name="future"/>.</summary>
    public static bool IsDate(string s, bool future = false)
    {
        string[] formats = ["yyyy", "yyyy-MM", "yyyy-MM-dd"];
        if (s.Length is not (4 or 7 or 10) || !DateTime.TryParseExact(s, formats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)) return false;
        return future || d <= DateTime.UtcNow.Date.AddDays(1);
    }

    public static PatientProblem? Date(string field, string value, bool required = false, bool future = false)
    {
        if (value.Length == 0) return required ? PatientProblem.Of("EntryDateRequired", $"{field}: a date is required", field) : null;
        return IsDate(value, future) ? null
            : PatientProblem.Of("EntryDate", $"{field}: expected yyyy, yyyy-MM or yyyy-MM-dd, a real date{(future ? "" : ", not in the future")}", field);
    }

    public static PatientProblem? Text(string field, string value, bool required = false, int max = MaxShort)
    {
        if (value.Length == 0) return required ? PatientProblem.Of("EntryTextRequired", $"{field} is required", field) : null;
        if (value.Length > max) return PatientProblem.Of("EntryTextLength", $"{field}: at most {max} characters", field, max.ToString(CultureInfo.InvariantCulture));
        foreach (var ch in value)
            if (char.IsControl(ch) && ch is not ('\n' or '\r' or '\t') || max <= MaxShort && ch is '\n' or '\r')
                return PatientProblem.Of("EntryTextControl", $"{field}: no control characters{(max <= MaxShort ? " or line breaks" : "")}", field);
        return null;
    }

    public static PatientProblem? Code(string field, Coding coding, bool required = true)
    {
        if (coding.IsEmpty) return required ? PatientProblem.Of("EntryCodeRequired", $"{field}: a code or a text is required", field) : null;
        if (coding.Code.Length > 0 && coding.System.Length == 0) return PatientProblem.Of("EntryCodeSystem", $"{field}: a code needs its code system", field);
        if (coding.System.Length > 0 && !Uri.TryCreate(coding.System, UriKind.Absolute, out _))
            return PatientProblem.Of("EntryCodeSystemUri", $"{field}: the code system must be an absolute URI", field);
        if (coding.Code.Length > 64 || coding.Code.Any(ch => char.IsWhiteSpace(ch) && ch != ' ' || char.IsControl(ch)) || coding.Code != coding.Code.Trim())
            return PatientProblem.Of("EntryCode", $"{field}: a code is at most 64 characters without leading or trailing spaces", field);
        return Text(field, coding.Display) ?? Text(field, coding.System);
    }

    public static PatientProblem? OneOf(string field, string value, params string[] allowed) =>
        allowed.Contains(value, StringComparer.Ordinal) ? null
            : PatientProblem.Of("EntryState", $"{field}: expected one of {string.Join(", ", allowed)}", field, string.Join(", ", allowed));

    /// <summary>Keys of other entries or images an entry points at (attachments): at most 100, each a plain id.</summary>
    public static PatientProblem? Links(string field, IReadOnlyList<string> ids)
    {
        if (ids.Count > 100) return PatientProblem.Of("EntryLinks", $"{field}: at most 100", field);
        foreach (var id in ids)
            if (id.Length is 0 or > 64 || !id.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is '.' or '-'))
                return PatientProblem.Of("EntryLink", $"{field}: '{Clip(id)}' is not an entry id or a UID", field);
        return null;
    }

    /// <summary>The first problem of several checks.</summary>
    public static PatientProblem? First(params PatientProblem?[] problems) => problems.FirstOrDefault(p => p is not null);

    private static string Clip(string s) => s.Length <= 64 ? s : s[..64] + "…";
}

/// <summary>One step of a workflow (a lab case, a referral): the state reached, when, by whom, with an optional remark.</summary>
public static class Workflow
{
    /// <summary>
    /// Whether a workflow whose <paramref name="states"/> run in order and end with "cancelled" may move from
    /// <paramref name="from"/> to <paramref name="to"/>: one step forward, or cancelled from any state before the last one.
    /// </summary>
    public static bool CanMove(string[] states, string from, string to)
    {
        var last = states[^2]; // the state before "cancelled"
        return to == "cancelled" ? from != last && from != "cancelled"
            : to != "cancelled" && Array.IndexOf(states, to) == Array.IndexOf(states, from) + 1;
    }
}

public sealed record StatusStep(string State, DateTimeOffset Time, string By, string Remark = "");
