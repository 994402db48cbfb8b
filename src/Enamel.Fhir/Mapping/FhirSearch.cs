using System.Globalization;
using Enamel.Core.Access;
using Enamel.Core.Records;
using Enamel.Fhir.Conformance;

namespace Enamel.Fhir.Mapping;

/// <summary>
/// A FHIR search on an entry resource type, read into Core's terms: the entry kinds it covers (narrowed by category),
/// the patient, Core states (a FHIR status can stand for several), a code, a date range, _lastUpdated, paging, the
/// tooth (body-site), and the declared parameters Core cannot match in SQL (<see cref="Other"/>, matched after opening).
/// </summary>
public sealed record FhirSearch(string Type, IReadOnlyList<RecordKind> Kinds)
{
    public const int DefaultCount = 50;
    public const int MaxCount = 200;

    public string? Id { get; init; }
    public long? PatientKey { get; init; }
    /// <summary>Core states any of which matches; empty: any state.</summary>
    public IReadOnlyList<string> States { get; init; } = [];
    public bool EnteredInError { get; init; }
    public string? Code { get; init; }
    public string? DateFrom { get; init; }
    public string? DateTo { get; init; }
    public DateTimeOffset? UpdatedSince { get; init; }
    /// <summary>The FDI tooth a Procedure?body-site= names.</summary>
    public string? Tooth { get; init; }
    /// <summary>A Procedure?category= code (urn:enamel:procedure-kind), matched after opening.</summary>
    public string? ProcedureCategory { get; init; }
    /// <summary>A DocumentReference?category= record category.</summary>
    public RecordCategory? DocumentCategory { get; init; }
    public int Count { get; init; } = DefaultCount;
    public int Offset { get; init; }
    public bool IncludePatient { get; init; }
    /// <summary>Declared parameters matched after opening (identifier, criticality, intent, type …), as given.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Other { get; init; } = [];

    /// <summary>Core's query for the store (one state when exactly one is asked; several are matched by the caller).</summary>
    public EntryQuery ToQuery(PatientReach reach) => new(Kinds, reach)
    {
        PatientKey = PatientKey,
        State = States.Count == 1 ? States[0] : null,
        Code = Code,
        DateFrom = DateFrom,
        DateTo = DateTo,
        UpdatedSince = UpdatedSince,
        IncludeEnteredInError = EnteredInError,
        Limit = Count,
        Skip = Offset,
    };

    /// <summary>
    /// Reads a search's parameters for <paramref name="type"/>. Parameters the CapabilityStatement does not declare for
    /// the type, and values that are not what the parameter takes, are a <see cref="FhirInputException"/> naming the parameter.
    /// </summary>
    public static FhirSearch Parse(string type, IReadOnlyList<KeyValuePair<string, string>> query)
    {
        var support = FhirSupport.Resources.FirstOrDefault(r => r.Type == type);
        var kinds = EntryMapping.KindsOf(type);
        if (support is null || kinds.Count == 0 || type is "Task")
            throw new FhirInputException("type", $"{type} is not searched as record entries");
        var declared = support.Search.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        var search = new FhirSearch(type, kinds);
        var other = new List<KeyValuePair<string, string>>();
        foreach (var (rawName, value) in query)
        {
            var name = rawName.Split(':')[0];
            if (rawName.Contains(':') && rawName != name)
                throw new FhirInputException(rawName, "search modifiers are not supported");
            switch (name)
            {
                case "_count":
                    search = search with { Count = Int(name, value, 1, MaxCount) };
                    continue;
                case "_offset":
                    search = search with { Offset = Int(name, value, 0, 1_000_000) };
                    continue;
                case "_include":
                    if (!support.Includes.Contains(value)) throw new FhirInputException(name, $"only {string.Join(", ", support.Includes)}");
                    search = search with { IncludePatient = true };
                    continue;
                case "_format":
                    continue;
            }
            if (!declared.Contains(name)) throw new FhirInputException(name, $"not a search parameter Enamel supports for {type}");
            if (value.Length == 0 || value.Length > 256) throw new FhirInputException(name, "a value of 1 to 256 characters");
            switch (name)
            {
                case "_id":
                    search = search with { Id = value };
                    break;
                case "patient" or "beneficiary":
                    search = search with { PatientKey = PatientKeyOf(name, value) };
                    break;
                case "status" or "clinical-status":
                    var states = new List<string>();
                    foreach (var code in value.Split(','))
                    {
                        if (code == "entered-in-error") { search = search with { EnteredInError = true }; continue; }
                        var mapped = CoreStates(type, code);
                        if (mapped.Count == 0) throw new FhirInputException(name, $"'{Clip(code)}' is not a {type} status Enamel records");
                        states.AddRange(mapped);
                    }
                    search = search with { States = [.. states.Distinct()] };
                    break;
                case "code":
                    search = search with { Code = value };
                    break;
                case "date" or "onset-date" or "recorded-date" or "effective" or "authoredon" or "authored":
                    search = Dates(search, name, value);
                    break;
                case "_lastUpdated":
                    var (prefix, instant) = Prefixed(value);
                    if (prefix is not ("ge" or "gt")) throw new FhirInputException(name, "ge or gt and an instant or date");
                    if (!DateTimeOffset.TryParse(instant, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var since))
                        throw new FhirInputException(name, "an instant (yyyy-MM-ddThh:mm:ssZ) or a date");
                    search = search with { UpdatedSince = since };
                    break;
                case "body-site":
                    search = search with { Tooth = ToothOf(value) };
                    break;
                case "category":
                    search = Category(search, value);
                    break;
                default:
                    other.Add(new(name, value));
                    break;
            }
        }
        return search with { Other = other };
    }

    /// <summary>The Core states a FHIR status stands for, per resource type (the inverse of <see cref="EntryMapping"/>'s maps).</summary>
    public static IReadOnlyList<string> CoreStates(string type, string code) => (type, code) switch
    {
        ("Procedure", "completed") => ["existing", "completed"],
        ("Procedure", "preparation") => ["planned"],
        ("Procedure", "not-done") => ["cancelled"],
        ("ServiceRequest", "draft") => ["draft"],
        ("ServiceRequest", "active") => ["sent", "received", "returned", "accepted", "seen"],
        ("ServiceRequest", "completed") => ["checked", "report-received"],
        ("ServiceRequest", "revoked") => ["cancelled"],
        ("Composition", "preliminary") => ["draft"],
        ("Composition", "final") => ["signed"],
        ("Coverage", "active" or "cancelled") => [code],
        ("Condition", _) when Core.History.Condition.States.Contains(code) => [code],
        ("AllergyIntolerance", _) when Core.History.Allergy.States.Contains(code) => [code],
        ("MedicationStatement", _) when Core.History.Medication.States.Contains(code) => [code],
        ("MedicationRequest", _) when Core.Treatment.Prescription.States.Contains(code) => [code],
        ("DocumentReference", _) when Core.Documents.Document.States.Contains(code) => [code],
        _ => [],
    };

    private static FhirSearch Dates(FhirSearch s, string name, string value)
    {
        var (prefix, date) = Prefixed(value);
        if (!EntryRules.IsDate(date, future: true)) throw new FhirInputException(name, "a date yyyy, yyyy-MM or yyyy-MM-dd, with an optional prefix eq, ge, gt, le, lt");
        return prefix switch
        {
            "eq" => s with { DateFrom = date, DateTo = date },
            "ge" or "gt" => s with { DateFrom = date },
            "le" or "lt" => s with { DateTo = date },
            _ => throw new FhirInputException(name, "prefix eq, ge, gt, le or lt"),
        };
    }

    private static FhirSearch Category(FhirSearch s, string value)
    {
        var code = value.Contains('|') ? value[(value.IndexOf('|') + 1)..] : value;
        var system = value.Contains('|') ? value[..value.IndexOf('|')] : null;
        switch (s.Type)
        {
            case "Procedure" when system is null || system == FhirSystems.ProcedureKind:
                return code switch
                {
                    // The kind narrows in SQL; the category itself (surgery or hospitalisation, treatment or existing work) is matched after opening.
                    "past-surgery" or "past-hospitalisation" => s with { Kinds = [RecordKind.PastProcedure], ProcedureCategory = code },
                    "dental-treatment" or "existing-work" => s with { Kinds = [RecordKind.Procedure], ProcedureCategory = code },
                    _ => throw new FhirInputException("category", "past-surgery, past-hospitalisation, dental-treatment or existing-work"),
                };
            case "ServiceRequest" when system is null || system == FhirSystems.OrderKind:
                return code switch
                {
                    "lab-case" => s with { Kinds = [RecordKind.LabCase] },
                    "referral" => s with { Kinds = [RecordKind.Referral] },
                    _ => throw new FhirInputException("category", "lab-case or referral"),
                };
            case "DocumentReference" when system is null || system == FhirSystems.RecordCategory:
                var category = Enum.GetValues<RecordCategory>().Cast<RecordCategory?>().FirstOrDefault(c => EntryMapping.CategoryCode(c!.Value) == code)
                    ?? throw new FhirInputException("category", "a record category (urn:enamel:record-category)");
                return s with { DocumentCategory = category };
            case "Condition" when code == "problem-list-item":
                return s;
            default:
                throw new FhirInputException("category", $"not a category of {s.Type} Enamel records");
        }
    }

    private static string ToothOf(string value)
    {
        var parts = value.Split('|', 2);
        var (system, code) = parts.Length == 2 ? (parts[0], parts[1]) : ("", parts[0]);
        if ((system.Length == 0 || system == FhirSystems.Fdi) && Core.Treatment.Teeth.IsTooth(code)) return code;
        if (system is "" or FhirSystems.Snomed && ToothCoding.Snomed.FirstOrDefault(p => p.Value.Code == code) is { Key: { } fdi }) return fdi;
        throw new FhirInputException("body-site", "an FDI tooth (urn:iso:std:iso:3950|16) or its SNOMED CT structure code");
    }

    private static long PatientKeyOf(string name, string value)
    {
        var id = value.StartsWith("Patient/", StringComparison.Ordinal) ? value["Patient/".Length..] : value;
        return long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var key) && key > 0 ? key
            : throw new FhirInputException(name, "a patient id (Patient/{id})");
    }

    private static (string Prefix, string Value) Prefixed(string value) =>
        value.Length > 2 && char.IsAsciiLetterLower(value[0]) && char.IsAsciiLetterLower(value[1]) ? (value[..2], value[2..]) : ("eq", value);

    private static int Int(string name, string value, int min, int max) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max ? n
            : throw new FhirInputException(name, $"a whole number {min} to {max}");

    private static string Clip(string s) => s.Length <= 32 ? s : s[..32] + "…";
}
