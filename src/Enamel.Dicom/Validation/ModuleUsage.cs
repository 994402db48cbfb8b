namespace Enamel.Dicom.Validation;

/// <summary>A module's place in an IOD: mandatory, or conditional with the condition in the standard's words.</summary>
public sealed record ModuleUsage(ModuleDefinition Module, Func<DicomDataset, bool>? Condition = null, string? ConditionText = null)
{
    public static implicit operator ModuleUsage(ModuleDefinition module) => new(module);
}
