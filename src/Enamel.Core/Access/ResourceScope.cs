namespace Enamel.Core.Access;

/// <summary>What the request touches: a patient's record (by patient key) held by a clinic, or the clinic itself (no patient).</summary>
public sealed record ResourceScope(long? PatientKey, string Clinic)
{
    /// <summary>Free text naming the object for the audit trail (e.g. "study 1.2.3"); never PHI such as names.</summary>
    public string Object { get; init; } = "";

    public static ResourceScope ForPatient(long patientKey, string clinic, string obj = "") => new(patientKey, clinic) { Object = obj };
    public static ResourceScope ForClinic(string clinic, string obj = "") => new(null, clinic) { Object = obj };
}
