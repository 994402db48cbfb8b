namespace Enamel.Core.Accounts;

/// <summary>The patient records a patient or guardian account reaches: its own (if any) and its dependants' (by patient key).</summary>
public sealed record PatientLink(long? Own, IReadOnlySet<long> Dependants)
{
    public static PatientLink None { get; } = new(null, new HashSet<long>());

    public bool IsEmpty => Own is null && Dependants.Count == 0;

    /// <summary>Every linked record, own first.</summary>
    public IEnumerable<long> All => Own is { } own ? Dependants.Where(d => d != own).Prepend(own) : Dependants;
}
