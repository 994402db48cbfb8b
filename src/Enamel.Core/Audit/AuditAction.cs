using Enamel.Core.Access;

namespace Enamel.Core.Audit;

/// <summary>
/// What an audited event did: a closed set of actions, each with its DICOM PS3.15 event ID (DCM, CID 400) and event
/// action code (C/R/U/D/E). <see cref="Text"/> is the form stored and hashed in the chain; <see cref="Parse"/> reads it
/// back (an action this code does not know, e.g. from a newer release, keeps its text and reads as a Patient Record event).
/// </summary>
public sealed class AuditAction : IEquatable<AuditAction>
{
    private const string PatientRecord = "110110";
    private const string UserSecurity = "110137";
    private static readonly Dictionary<string, AuditAction> Known = new(StringComparer.Ordinal);

    public static readonly AuditAction Create = Define("Create", PatientRecord, "Patient Record", "C");
    public static readonly AuditAction Read = Define("Read", PatientRecord, "Patient Record", "R");
    public static readonly AuditAction Amend = Define("Amend", PatientRecord, "Patient Record", "U");
    public static readonly AuditAction Dispose = Define("Dispose", PatientRecord, "Patient Record", "D");
    public static readonly AuditAction Export = Define("Export", "110106", "Export", "R");
    public static readonly AuditAction Share = Define("Share", "110106", "Export", "E");
    public static readonly AuditAction Login = Define("Login", "110114", "User Authentication", "E");
    public static readonly AuditAction Logout = Define("Logout", "110114", "User Authentication", "E");
    public static readonly AuditAction BreakGlass = Define("BreakGlass", "110113", "Security Alert", "E");
    public static readonly AuditAction BreakGlassReview = Define("BreakGlassReview", "110113", "Security Alert", "E");
    public static readonly AuditAction KeyRotate = Define("KeyRotate", "110113", "Security Alert", "E");
    public static readonly AuditAction UserCreate = Define("UserCreate", UserSecurity, "User Security Attributes Changed", "E");
    public static readonly AuditAction UserLink = Define("UserLink", UserSecurity, "User Security Attributes Changed", "E");
    public static readonly AuditAction UserDisable = Define("UserDisable", UserSecurity, "User Security Attributes Changed", "E");
    public static readonly AuditAction RoleDefine = Define("RoleDefine", UserSecurity, "User Security Attributes Changed", "E");
    public static readonly AuditAction MfaReset = Define("MfaReset", UserSecurity, "User Security Attributes Changed", "E");
    public static readonly AuditAction MfaEnrol = Define("MfaEnrol", UserSecurity, "User Security Attributes Changed", "E");
    public static readonly AuditAction PasswordChange = Define("PasswordChange", UserSecurity, "User Security Attributes Changed", "E");
    public static readonly AuditAction TokenCreate = Define("TokenCreate", UserSecurity, "User Security Attributes Changed", "E");
    public static readonly AuditAction TokenRevoke = Define("TokenRevoke", UserSecurity, "User Security Attributes Changed", "E");

    private AuditAction(string text, string eventCode, string eventDisplay, string actionCode, bool isKnown)
    {
        Text = text;
        EventCode = eventCode;
        EventDisplay = eventDisplay;
        ActionCode = actionCode;
        IsKnown = isKnown;
    }

    /// <summary>The stored (and hashed) form, e.g. "Read", "TokenCreate".</summary>
    public string Text { get; }
    /// <summary>DICOM event ID (code system DCM).</summary>
    public string EventCode { get; }
    public string EventDisplay { get; }
    /// <summary>DICOM/FHIR event action code: C create, R read, U update, D delete, E execute.</summary>
    public string ActionCode { get; }
    /// <summary>False for a stored text this code does not define.</summary>
    public bool IsKnown { get; }

    public static IReadOnlyCollection<AuditAction> All => Known.Values;

    private static AuditAction Define(string text, string eventCode, string display, string actionCode)
    {
        var a = new AuditAction(text, eventCode, display, actionCode, isKnown: true);
        Known.Add(text, a);
        return a;
    }

    /// <summary>The action of a stored row (the one place text becomes an action).</summary>
    public static AuditAction Parse(string text) =>
        Known.TryGetValue(text, out var a) ? a : new AuditAction(text, PatientRecord, "Patient Record", "E", isKnown: false);

    /// <summary>The audited action of a policy operation on a record.</summary>
    public static AuditAction Of(RecordAction action) => Parse(action.ToString());

    public static implicit operator AuditAction(string text) => Parse(text);

    public bool Equals(AuditAction? other) => other is not null && other.Text == Text;
    public override bool Equals(object? obj) => obj is AuditAction a && Equals(a);
    public override int GetHashCode() => Text.GetHashCode(StringComparison.Ordinal);
    public static bool operator ==(AuditAction? a, AuditAction? b) => a is null ? b is null : a.Equals(b);
    public static bool operator !=(AuditAction? a, AuditAction? b) => !(a == b);
    public override string ToString() => Text;
}
