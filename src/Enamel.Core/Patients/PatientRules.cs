using System.Globalization;
using Enamel.Core.Access;

namespace Enamel.Core.Patients;

/// <summary>The checks every registration and amendment passes before anything is written.</summary>
public static class PatientRules
{
    public static PatientProblem? Check(Demographics d)
    {
        if (d.Name.IsEmpty) return PatientProblem.Of("NameRequired", "the patient's name is required (family or given name)");
        foreach (var c in d.Name.Alphabetic.Components.Concat(d.Name.Ideographic.Components).Concat(d.Name.Phonetic.Components))
            if (!PersonNames.IsValidComponent(c)) return PatientProblem.Of("NamePart", "name parts hold at most 64 characters and no ^ = \\ or control characters");
        if (d.BirthDate.Length > 0 && !IsDate(d.BirthDate)) return PatientProblem.Of("BirthDate", "birth date: expected YYYYMMDD, a real date, not in the future");
        if (d.DeceasedDate.Length > 0 && !IsDate(d.DeceasedDate)) return PatientProblem.Of("DeceasedDate", "date of death: expected YYYYMMDD, a real date, not in the future");
        if (d.BirthDate.Length > 0 && d.DeceasedDate.Length > 0 && string.CompareOrdinal(d.DeceasedDate, d.BirthDate) < 0) return PatientProblem.Of("DeathBeforeBirth", "date of death is before the birth date");
        if (d.Sex is not ("" or "M" or "F" or "O")) return PatientProblem.Of("Sex", "sex: expected M, F, O or empty (DICOM Patient's Sex)");
        if (d.PreferredLanguage.Length > 35 || d.PreferredLanguage.Any(ch => !(char.IsAsciiLetterOrDigit(ch) || ch == '-')))
            return PatientProblem.Of("Language", "preferred language: expected a language tag such as en, zh-Hant, zh-Hans");
        if (d.Contacts.Count > 20) return PatientProblem.Of("TooManyContacts", "at most 20 contact entries");
        foreach (var c in d.Contacts)
        {
            if (!Enum.IsDefined(c.Kind)) return PatientProblem.Of("ContactKind", "unknown contact kind");
            var v = c.Value?.Trim() ?? "";
            if (v.Length is 0 or > 256 || v.Any(char.IsControl) && c.Kind != ContactKind.Address) return PatientProblem.Of("ContactLength", $"{c.Kind.ToString().ToLowerInvariant()}: 1 to 256 characters", PatientProblem.Of("Contact." + c.Kind, c.Kind.ToString().ToLowerInvariant()));
            if (c.Kind == ContactKind.Phone && Digits(v).Length is < 6 or > 20) return PatientProblem.Of("Phone", "phone: 6 to 20 digits");
            if (c.Kind == ContactKind.Email && (!v.Contains('@') || v.StartsWith('@') || v.EndsWith('@') || v.Contains(' ')))
                return PatientProblem.Of("Email", "email: not an address");
            if (c.Use.Length > 32) return PatientProblem.Of("ContactUse", "contact use: at most 32 characters");
        }
        return null;
    }

    /// <summary>Normalised identifiers, or the first problem. A registration needs at least one identifier besides national ids.</summary>
    public static (List<PatientIdentifier> Identifiers, PatientProblem? Error) Check(IReadOnlyList<PatientIdentifier> identifiers, string clinic)
    {
        var list = new List<PatientIdentifier>();
        if (identifiers.Count > 20) return (list, PatientProblem.Of("TooManyIdentifiers", "at most 20 identifiers"));
        foreach (var raw in identifiers)
        {
            var given = raw.Type == IdentifierType.ChartNumber && string.IsNullOrWhiteSpace(raw.Issuer) ? raw with { Issuer = clinic } : raw;
            var (id, error) = Identifiers.Normalize(given);
            if (error is not null) return (list, error);
            if (list.Any(x => x.Type == id!.Type && x.Issuer == id.Issuer && x.Value == id.Value)) continue;
            list.Add(id!);
        }
        return (list, null);
    }

    public static bool IsDate(string s) =>
        s.Length == 8 && DateTime.TryParseExact(s, "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) && d <= DateTime.UtcNow.Date.AddDays(1);

    public static string Digits(string s) => new(s.Where(char.IsAsciiDigit).ToArray());

    /// <summary>Checks the clinic code a patient is registered in.</summary>
    public static PatientProblem? CheckClinic(string clinic) => ClinicCode.IsValid(clinic) ? null : PatientProblem.Of("Clinic", $"clinic: {ClinicCode.Rule}");
}
