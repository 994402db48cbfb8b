using Enamel.Core.Patients;
using Enamel.Storage.Crypto;

namespace Enamel.Storage.Sql.Patients;

/// <summary>
/// Which blind tokens a patient record has, and the one token of each identifier. Fields are named inside the HMAC input,
/// so a token of one field never equals a token of another.
/// </summary>
internal static class PatientTokens
{
    /// <summary>The identity token of an identifier: unique across the vault (UNIQUE in patient_identifiers).</summary>
    public static string Identity(BlindIndex b, IdentifierType type, string issuer, string value) =>
        b.Token("id:" + Code(type), issuer + "\u001f" + value);

    public static string Identity(BlindIndex b, PatientIdentifier id) => Identity(b, id.Type, id.Issuer, id.Value);

    public static string Code(IdentifierType type) => type switch
    {
        IdentifierType.ChartNumber => "chart",
        IdentifierType.DicomPatientId => "pid",
        IdentifierType.HongKongId => "hkid",
        IdentifierType.MainlandResidentId => "cnid",
        IdentifierType.Passport => "passport",
        _ => "other",
    };

    public static IdentifierType ParseCode(string code) => code switch
    {
        "chart" => IdentifierType.ChartNumber,
        "pid" => IdentifierType.DicomPatientId,
        "hkid" => IdentifierType.HongKongId,
        "cnid" => IdentifierType.MainlandResidentId,
        "passport" => IdentifierType.Passport,
        _ => IdentifierType.Other,
    };

    /// <summary>Exact PN (folded): QIDO PatientName without wildcards.</summary>
    public static string NameExact(BlindIndex b, string pn) => b.Token("pn", BlindIndex.Fold(pn));
    /// <summary>A prefix of the whole PN value (folded): QIDO PatientName "Smi*".</summary>
    public static string NamePrefix(BlindIndex b, string prefix) => b.Token("pnp", BlindIndex.Clip(BlindIndex.Fold(prefix)));
    /// <summary>A prefix of any name component or word: fuzzy matching and the search box.</summary>
    public static string NamePart(BlindIndex b, string prefix) => b.Token("pnc", BlindIndex.Clip(BlindIndex.Fold(prefix)));
    public static string BirthDate(BlindIndex b, string date) => b.Token("dob", date);
    /// <summary>A DICOM Patient ID whatever its issuer (QIDO PatientID), aliases of merged records included.</summary>
    public static string PatientId(BlindIndex b, string value) => b.Token("pidv", value);
    /// <summary>Any identifier's value, folded (the search box: chart number, HKID, …).</summary>
    public static string AnyIdentifier(BlindIndex b, string value) => b.Token("idq", BlindIndex.Fold(value).Replace("(", "").Replace(")", "").Replace(" ", ""));
    /// <summary>The last eight digits of a phone number (with or without country and area code it is the same line).</summary>
    public static string PhoneTail(BlindIndex b, string digits) => b.Token("tel8", digits[^Math.Min(8, digits.Length)..]);

    /// <summary>Every search token of a record: name (whole, prefixes, parts and words), birth date, phones, identifier values.</summary>
    public static HashSet<string> Search(BlindIndex b, Demographics d, IEnumerable<PatientIdentifier> identifiers)
    {
        var tokens = new HashSet<string>(StringComparer.Ordinal);
        var pn = d.Name.ToDicom();
        if (pn.Length > 0)
        {
            tokens.Add(NameExact(b, pn));
            foreach (var p in BlindIndex.Prefixes(BlindIndex.Fold(pn))) tokens.Add(b.Token("pnp", p));
        }
        // A whole name as typed without separators ("陳大文", "chantaiman"): family and given run together, per group.
        var whole = new[] { d.Name.Alphabetic, d.Name.Ideographic, d.Name.Phonetic }.Where(g => !g.IsEmpty).Select(g => (g.Family + g.Given).Replace(" ", ""));
        foreach (var component in d.Name.Components.Concat(whole))
        {
            var folded = BlindIndex.Fold(component);
            var words = folded.Split(' ', StringSplitOptions.RemoveEmptyEntries).Prepend(folded).Distinct();
            foreach (var word in words)
                foreach (var p in BlindIndex.Prefixes(word)) tokens.Add(b.Token("pnc", p));
        }
        if (d.BirthDate.Length > 0) tokens.Add(BirthDate(b, d.BirthDate));
        foreach (var phone in d.Contacts.Where(c => c.Kind == ContactKind.Phone))
        {
            var digits = PatientRules.Digits(phone.Value);
            if (digits.Length == 0) continue;
            tokens.Add(PhoneTail(b, digits));
        }
        foreach (var id in identifiers) tokens.UnionWith(IdentifierSearch(b, id));
        return tokens;
    }

    public static IEnumerable<string> IdentifierSearch(BlindIndex b, PatientIdentifier id)
    {
        yield return AnyIdentifier(b, id.Value);
        if (id.Type == IdentifierType.DicomPatientId) yield return PatientId(b, id.Value);
    }
}
