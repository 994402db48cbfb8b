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
        "BreakGlass" => ("110113", "Security Alert"),
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

    /// <summary>Network access point type: 2 for an IP address, 1 for a machine name or AE title.</summary>
    public static string NetworkType(string source) => IPAddress.TryParse(source, out _) ? "2" : "1";
}
