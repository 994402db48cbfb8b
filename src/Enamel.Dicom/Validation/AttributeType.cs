namespace Enamel.Dicom.Validation;

/// <summary>Attribute types of PS3.5 7.4: 1 required with a value, 2 required (may be empty), C conditional.</summary>
public enum AttributeType
{
    Type1,
    Type1C,
    Type2,
    Type2C,
}
