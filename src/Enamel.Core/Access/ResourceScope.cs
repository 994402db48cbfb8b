namespace Enamel.Core.Access;

/// <summary>What the request touches: a patient's record (by patient key) held by a clinic, or the clinic itself (no patient).</summary>
public sealed record ResourceScope(long? PatientKey, string Clinic)
{
    /// <summary>Free text naming the object for the audit trail (e.g. "study 1.2.3"); never PHI such as names.</summary>
    public string Object { get; init; } = "";

    /// <summary>
    /// The request names a patient's item that was not found (<see cref="PatientKey"/> is then null): decided as a patient
    /// record of <see cref="Clinic"/>, so a role reaching no patient is refused as it is for an item that exists.
    /// </summary>
    public bool NamesRecord { get; init; }

    /// <summary>One known item: its patient and clinic, named in the audit trail as "study 1.2.3".</summary>
    public static ResourceScope Of(Records.RecordOwner item) => ForPatient(item.Item.PatientKey, item.Clinic, item.Item.ToString());

    public static ResourceScope ForPatient(long patientKey, string clinic, string obj = "") => new(patientKey, clinic) { Object = obj };
    public static ResourceScope ForClinic(string clinic, string obj = "") => new(null, clinic) { Object = obj };
}
