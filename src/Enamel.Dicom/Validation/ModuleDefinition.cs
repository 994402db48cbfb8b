namespace Enamel.Dicom.Validation;

/// <summary>A module of PS3.3 Annex C as a table of its required (Type 1, 2, 1C, 2C) attributes.</summary>
/// <param name="Name">The module name, e.g. "Image Pixel".</param>
/// <param name="Section">The PS3.3 section, e.g. "C.7.6.3".</param>
public sealed record ModuleDefinition(string Name, string Section, IReadOnlyList<AttributeRequirement> Attributes);

/// <summary>A module's place in an IOD: mandatory, or conditional with the condition in the standard's words.</summary>
public sealed record ModuleUsage(ModuleDefinition Module, Func<DicomDataset, bool>? Condition = null, string? ConditionText = null)
{
    public static implicit operator ModuleUsage(ModuleDefinition module) => new(module);
}

/// <summary>An IOD of PS3.3 Annex A: its name, its SOP classes and its module table.</summary>
public sealed record IodDefinition(string Name, string Section, IReadOnlyList<string> SopClassUids, IReadOnlyList<ModuleUsage> Modules);
