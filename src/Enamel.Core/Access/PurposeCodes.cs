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

    /// <summary>
    /// The purpose a stated value names: exactly one purpose name (<c>Emergency</c>) or its HL7 code (<c>ETREAT</c>),
    /// either case-insensitive. Nothing else: not a number (<see cref="Enum.TryParse{TEnum}(string, bool, out TEnum)"/>
    /// would take <c>4</c>), not a comma list (it would OR <c>Treatment, Emergency</c> into a flag value), no padding.
    /// </summary>
    public static bool TryParse(string? text, out Purpose purpose)
    {
        foreach (var candidate in Enum.GetValues<Purpose>())
            if (string.Equals(text, candidate.ToString(), StringComparison.OrdinalIgnoreCase) || string.Equals(text, Code(candidate), StringComparison.OrdinalIgnoreCase))
            {
                purpose = candidate;
                return true;
            }
        purpose = default;
        return false;
    }

    /// <summary>What <see cref="TryParse"/> accepts, for an error message: "Treatment (TREAT), Payment (HPAYMT), …".</summary>
    public static string Accepted => string.Join(", ", Enum.GetValues<Purpose>().Select(p => $"{p} ({Code(p)})"));
}
