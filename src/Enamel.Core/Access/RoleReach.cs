namespace Enamel.Core.Access;

/// <summary>Which patients a role's permissions reach.</summary>
public enum RoleReach
{
    /// <summary>Staff: patients of the clinics the user is a member of.</summary>
    ClinicPatients,
    /// <summary>Clinic administration (Audit, Settings) of the user's clinics; never a patient's record.</summary>
    ClinicOnly,
    /// <summary>A patient: their own record, and their dependants' when they are a guardian.</summary>
    OwnRecord,
    /// <summary>An external recipient: only the patients shared with them (consent-bound shares).</summary>
    SharedRecords,
}
