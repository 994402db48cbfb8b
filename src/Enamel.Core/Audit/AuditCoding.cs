using System.Net;

namespace Enamel.Core.Audit;

/// <summary>
/// The codes shared by the FHIR AuditEvent and the DICOM PS3.15 A.5 AuditMessage exports: event ID (DCM code
/// system, PS3.16 CID 400), event action code (C/R/U/D/E) and outcome indicator (0 success, 4 minor, 8 serious failure).
/// </summary>
public static class AuditCoding
{
    public static (string Code, string Display) EventId(AuditAction action) => (action.EventCode, action.EventDisplay);

    public static string ActionCode(AuditAction action) => action.ActionCode;

    public static string OutcomeCode(AuditOutcome outcome) => outcome switch
    {
        AuditOutcome.Success => "0",
        AuditOutcome.Denied => "4",
        _ => "8",
    };

    /// <summary>
    /// How an audited object is identified: a study by its Study Instance UID (DCM 110180), anything else by Enamel's own
    /// object kind and the object's stored text (a record by its category).
    /// </summary>
    public static (string Id, string Code, string System, string Display) ObjectId(AuditObject obj)
    {
        if (obj.Kind == AuditObjectKind.Study) return (obj.Id, "110180", "DCM", "Study Instance UID");
        var kind = obj.Kind switch
        {
            AuditObjectKind.User => "user",
            AuditObjectKind.ApiToken => "api-token",
            AuditObjectKind.Session => "session",
            AuditObjectKind.Role => "role",
            AuditObjectKind.MasterKey => "master-key",
            AuditObjectKind.BreakGlassGrant => "break-glass-grant",
            // A record: its category, the first word of the text (as the policy formats it).
            _ => obj.Text.Split(' ', 2)[0] is { Length: > 0 } first ? first : "object",
        };
        return (obj.Text, kind, "urn:enamel:object-type", kind);
    }

    /// <summary>Network access point type: 2 for an IP address, 1 for a machine name or AE title.</summary>
    public static string NetworkType(string source) => IPAddress.TryParse(source, out _) ? "2" : "1";
}
