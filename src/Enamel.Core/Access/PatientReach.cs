namespace Enamel.Core.Access;

/// <summary>
/// The patients a search may return: every patient of <see cref="Clinics"/>, plus the patients named in
/// <see cref="PatientKeys"/> (own record, dependants, shares, break-glass grants). Nothing else: an empty reach
/// matches no patient.
/// </summary>
public sealed record PatientReach(IReadOnlySet<string> Clinics, IReadOnlySet<long> PatientKeys)
{
    public static PatientReach None { get; } = new(new HashSet<string>(), new HashSet<long>());

    public static PatientReach OnePatient(long patientKey) => new(new HashSet<string>(), new HashSet<long> { patientKey });

    public bool IsEmpty => Clinics.Count == 0 && PatientKeys.Count == 0;

    public bool Reaches(long patientKey, string clinic) => Clinics.Contains(clinic) || PatientKeys.Contains(patientKey);

    /// <summary>For the audit trail: clinic codes and a count of named patients (never who they are).</summary>
    public override string ToString() =>
        $"clinics [{string.Join(',', Clinics.Order(StringComparer.Ordinal))}], {PatientKeys.Count} named patient(s)";
}

/// <summary>The policy's answer to a search: whether the operation is permitted at all, and which patients it reaches.</summary>
public sealed record SearchDecision(Decision Decision, PatientReach Reach)
{
    public bool Allowed => Decision.Allowed;
}
