namespace Enamel.Core.Access;

/// <summary>The closed set of record categories a permission is granted on, in clinic words.</summary>
public enum RecordCategory
{
    Demographics,
    InsuranceBilling,
    MedicalHistory,
    ClinicalNotes,
    TreatmentRecords,
    Imaging,
    LabReports,
    Referrals,
    /// <summary>The audit trail itself (who accessed what).</summary>
    Audit,
    /// <summary>Clinic configuration: users, roles, keys, retention (no patient data).</summary>
    Settings,
}
