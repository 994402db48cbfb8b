namespace Enamel.Dicom.Validation;

/// <summary>The outcome of validating one object against its IOD: an expected result, not an exception.</summary>
public sealed class ValidationReport(string iodName, IReadOnlyList<ValidationFinding> findings)
{
    /// <summary>The IOD checked, e.g. "Digital Intra-Oral X-Ray Image (For Presentation)", or "unknown SOP class".</summary>
    public string IodName { get; } = iodName;

    public IReadOnlyList<ValidationFinding> Findings { get; } = findings;

    public bool HasErrors => Findings.Any(f => f.Severity == ValidationSeverity.Error);

    public IEnumerable<ValidationFinding> Errors => Findings.Where(f => f.Severity == ValidationSeverity.Error);

    public IEnumerable<ValidationFinding> Warnings => Findings.Where(f => f.Severity == ValidationSeverity.Warning);
}
