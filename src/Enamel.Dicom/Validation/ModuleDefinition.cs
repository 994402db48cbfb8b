namespace Enamel.Dicom.Validation;

/// <summary>A module of PS3.3 Annex C as a table of its required (Type 1, 2, 1C, 2C) attributes.</summary>
/// <param name="Name">The module name, e.g. "Image Pixel".</param>
/// <param name="Section">The PS3.3 section, e.g. "C.7.6.3".</param>
public sealed record ModuleDefinition(string Name, string Section, IReadOnlyList<AttributeRequirement> Attributes);
