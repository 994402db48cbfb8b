using System.Globalization;

namespace Enamel.Core.Patients;

/// <summary>Normalises and checks identifiers before they are stored: a wrong check digit is a typing error caught at the desk.</summary>
public static class Identifiers
{
    /// <summary>The identifier in its stored form, or an error message naming what is wrong.</summary>
    public static (PatientIdentifier? Identifier, PatientProblem? Error) Normalize(PatientIdentifier id)
    {
        var value = (id.Value ?? "").Trim();
        var issuer = (id.Issuer ?? "").Trim();
        if (!Enum.IsDefined(id.Type)) return (null, PatientProblem.Of("IdentifierType", $"unknown identifier type {(int)id.Type}", ((int)id.Type).ToString(CultureInfo.InvariantCulture)));
        if (value.Length == 0) return (null, PatientProblem.Of("IdentifierEmpty", $"{Name(id.Type)}: the value is empty", NameOf(id.Type)));
        if (value.Length > 64 || issuer.Length > 64) return (null, PatientProblem.Of("IdentifierLength", $"{Name(id.Type)}: at most 64 characters (DICOM LO)", NameOf(id.Type)));
        if (value.Any(char.IsControl) || issuer.Any(char.IsControl) || value.Contains('\\') || issuer.Contains('\\'))
            return (null, PatientProblem.Of("IdentifierCharacters", $"{Name(id.Type)}: control characters and backslashes are not allowed", NameOf(id.Type)));
        switch (id.Type)
        {
            case IdentifierType.HongKongId:
                var hk = value.ToUpperInvariant().Replace("(", "").Replace(")", "").Replace(" ", "");
                if (!IsHongKongId(hk)) return (null, PatientProblem.Of("Hkid", "HKID: expected one or two letters, six digits and a check digit, e.g. A123456(3), with a correct check digit"));
                return (id with { Value = hk, Issuer = issuer.Length == 0 ? "HK" : issuer }, null);
            case IdentifierType.MainlandResidentId:
                var cn = value.ToUpperInvariant();
                if (!IsMainlandResidentId(cn)) return (null, PatientProblem.Of("ResidentId", "resident ID: expected 17 digits and a check character (0-9 or X) with a correct check and a valid birth date"));
                return (id with { Value = cn, Issuer = issuer.Length == 0 ? "CN" : issuer }, null);
            case IdentifierType.Passport:
                if (issuer.Length == 0) return (null, PatientProblem.Of("PassportIssuer", "passport: the issuing country is required"));
                return (id with { Value = value.ToUpperInvariant(), Issuer = issuer.ToUpperInvariant() }, null);
            default:
                return (id with { Value = value, Issuer = issuer }, null);
        }
    }

    /// <summary>The identifier type's name as a problem argument ("Identifier.&lt;Type&gt;"), so an edge can translate it.</summary>
    private static PatientProblem NameOf(IdentifierType type) =>
        PatientProblem.Of("Identifier." + (Enum.IsDefined(type) ? type.ToString() : "Other"), Name(type));

    public static string Name(IdentifierType type) => type switch
    {
        IdentifierType.ChartNumber => "chart number",
        IdentifierType.DicomPatientId => "Patient ID",
        IdentifierType.HongKongId => "HKID",
        IdentifierType.MainlandResidentId => "resident ID",
        IdentifierType.Passport => "passport",
        _ => "identifier",
    };

    /// <summary>HKID: letters count A=10…Z=35 (a missing second letter 36), weights 9…2, the check makes the sum divisible by 11 (A stands for 10).</summary>
    public static bool IsHongKongId(string s)
    {
        if (s.Length is not (8 or 9)) return false;
        int letters = s.Length - 7;
        if (!s[..letters].All(char.IsAsciiLetterUpper) || !s.Substring(letters, 6).All(char.IsAsciiDigit)) return false;
        char check = s[^1];
        if (!char.IsAsciiDigit(check) && check != 'A') return false;
        var body = letters == 1 ? " " + s[..7] : s[..8];
        int sum = 0;
        for (int i = 0; i < 8; i++)
        {
            char c = body[i];
            int v = c == ' ' ? 36 : char.IsAsciiLetter(c) ? c - 'A' + 10 : c - '0';
            sum += v * (9 - i);
        }
        int expected = (11 - sum % 11) % 11;
        return check == (expected == 10 ? 'A' : (char)('0' + expected));
    }

    private static readonly int[] CnWeights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

    /// <summary>GB 11643: 17 digits (region, birth date YYYYMMDD, sequence) and an ISO 7064 MOD 11-2 check character.</summary>
    public static bool IsMainlandResidentId(string s)
    {
        if (s.Length != 18 || !s[..17].All(char.IsAsciiDigit)) return false;
        if (!DateTime.TryParseExact(s.Substring(6, 8), "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _)) return false;
        int sum = 0;
        for (int i = 0; i < 17; i++) sum += (s[i] - '0') * CnWeights[i];
        return s[17] == "10X98765432"[sum % 11];
    }
}
