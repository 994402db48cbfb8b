using System.Net;

namespace Enamel.Core.Audit;

/// <summary>
/// The codes shared by the FHIR AuditEvent and the DICOM PS3.15 A.5 AuditMessage exports: event ID (DCM code
/// system, PS3.16 CID 400), event action code (C/R/U/D/E) and outcome indicator (0 success, 4 minor, 8 serious failure).
/// </summary>
public static class AuditCoding
{
    public static (string Code, string Display) EventId(string action) => action switch
    {
        "Export" or "Share" => ("110106", "Export"),
        "Login" or "Logout" => ("110114", "User Authentication"),
        "BreakGlass" or "BreakGlassReview" or "KeyRotate" => ("110113", "Security Alert"),
        "UserCreate" or "UserLink" or "RoleDefine" or "UserDisable" or "MfaReset" or "MfaEnrol" or "PasswordChange" or "TokenCreate" or "TokenRevoke"
            => ("110137", "User Security Attributes Changed"),
        _ => ("110110", "Patient Record"),
    };

    public static string ActionCode(string action) => action switch
    {
        "Create" => "C",
        "Read" or "Export" => "R",
        "Amend" => "U",
        "Dispose" => "D",
        _ => "E",
    };

    public static string OutcomeCode(AuditOutcome outcome) => outcome switch
    {
        AuditOutcome.Success => "0",
        AuditOutcome.Denied => "4",
        _ => "8",
    };

    /// <summary>
    /// How an audited object is identified: "… study UID" by its Study Instance UID (DCM 110180), anything else
    /// ("user ID", "api token ID", "session") by Enamel's own object kind (the first word) and the whole text.
    /// </summary>
    public static (string Id, string Code, string System, string Display) ObjectId(string obj)
    {
        var words = obj.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        int study = Array.IndexOf(words, "study");
        if (study >= 0 && study == words.Length - 2) return (words[^1], "110180", "DCM", "Study Instance UID");
        var kind = words.Length > 0 ? words[0] : "object";
        return (obj, kind, "urn:enamel:object-type", kind);
    }

    /// <summary>Network access point type: 2 for an IP address, 1 for a machine name or AE title.</summary>
    public static string NetworkType(string source) => IPAddress.TryParse(source, out _) ? "2" : "1";
}
