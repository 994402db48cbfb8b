namespace Enamel.Dicom.Validation;

/// <summary>An IOD of PS3.3 Annex A: its name, its SOP classes and its module table.</summary>
public sealed record IodDefinition(string Name, string Section, IReadOnlyList<string> SopClassUids, IReadOnlyList<ModuleUsage> Modules);
