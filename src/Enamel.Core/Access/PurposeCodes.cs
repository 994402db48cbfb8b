namespace Enamel.Core.Access;

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
