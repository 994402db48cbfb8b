namespace Enamel.Dicom.Validation;

/// <summary>One problem found in a DICOM object: how bad, where (tag path), and what.</summary>
/// <param name="TagPath">Where, e.g. "(0008,2218)[0]>(0008,0104)"; empty for the object as a whole.</param>
/// <param name="Module">The module whose requirement failed, or null for value-encoding checks.</param>
public sealed record ValidationFinding(ValidationSeverity Severity, string TagPath, string Message, string? Module = null)
{
    /// <summary>The dciodvfy-like line: "Error - Type 1 attribute (0028,0010) Rows is missing - Module=&lt;Image Pixel&gt;".</summary>
    public override string ToString() =>
        $"{(Severity == ValidationSeverity.Error ? "Error" : "Warning")} - {Message}{(Module is null ? "" : $" - Module=<{Module}>")}";
}
