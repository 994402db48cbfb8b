namespace Enamel.Dicom.Validation;

/// <summary>
/// One row of a module table: the attribute, its type, the condition for 1C/2C (evaluated on the dataset that
/// holds the attribute), optional enumerated values, and for sequences the requirements of each item.
/// </summary>
public sealed record AttributeRequirement(DicomTag Tag, AttributeType Type)
{
    /// <summary>For 1C/2C: when the attribute is required. Null means always.</summary>
    public Func<DicomDataset, bool>? Condition { get; init; }

    /// <summary>The condition in the standard's words, e.g. "Samples per Pixel (0028,0002) > 1".</summary>
    public string? ConditionText { get; init; }

    /// <summary>Enumerated Values (checked for each value when present and not empty).</summary>
    public IReadOnlyList<string>? EnumeratedValues { get; init; }

    /// <summary>For sequences: the requirements each item must meet.</summary>
    public IReadOnlyList<AttributeRequirement>? ItemRequirements { get; init; }

    public string TypeText => Type switch
    {
        AttributeType.Type1 => "1",
        AttributeType.Type1C => "1C",
        AttributeType.Type2 => "2",
        _ => "2C",
    };

    public static AttributeRequirement T1(DicomTag tag, params string[] enumerated) =>
        new(tag, AttributeType.Type1) { EnumeratedValues = enumerated.Length > 0 ? enumerated : null };

    public static AttributeRequirement T2(DicomTag tag, params string[] enumerated) =>
        new(tag, AttributeType.Type2) { EnumeratedValues = enumerated.Length > 0 ? enumerated : null };

    public static AttributeRequirement T1C(DicomTag tag, string when, Func<DicomDataset, bool> condition) =>
        new(tag, AttributeType.Type1C) { Condition = condition, ConditionText = when };

    public static AttributeRequirement T2C(DicomTag tag, string when, Func<DicomDataset, bool> condition) =>
        new(tag, AttributeType.Type2C) { Condition = condition, ConditionText = when };

    /// <summary>Adds the requirements of each item of this sequence.</summary>
    public AttributeRequirement Items(params AttributeRequirement[] items) => this with { ItemRequirements = items };

    public AttributeRequirement OneOf(params string[] enumerated) => this with { EnumeratedValues = enumerated };
}
