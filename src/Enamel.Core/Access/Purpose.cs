namespace Enamel.Core.Access;

/// <summary>Purpose of use, stated with every request; HL7 v3 PurposeOfUse codes in <see cref="PurposeCodes"/>.</summary>
public enum Purpose
{
    Treatment,
    Payment,
    Operations,
    PatientRequest,
    /// <summary>Emergency treatment under a break-glass grant.</summary>
    Emergency,
    Legal,
    /// <summary>Compliance review of the audit trail itself.</summary>
    Compliance,
}
