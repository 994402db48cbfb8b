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

public static class PurposeCodes
{
    /// <summary>The HL7 v3 ActReason (PurposeOfUse) code: TREAT, HPAYMT, HOPERAT, PATRQT, ETREAT, HLEGAL, HCOMPL.</summary>
    public static string Code(Purpose purpose) => purpose switch
    {
        Purpose.Treatment => "TREAT",
        Purpose.Payment => "HPAYMT",
        Purpose.Operations => "HOPERAT",
        Purpose.PatientRequest => "PATRQT",
        Purpose.Emergency => "ETREAT",
        Purpose.Legal => "HLEGAL",
        Purpose.Compliance => "HCOMPL",
        _ => throw new ArgumentOutOfRangeException(nameof(purpose), purpose, "unknown purpose"),
    };
}
