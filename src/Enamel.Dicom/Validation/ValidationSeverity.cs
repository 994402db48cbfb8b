namespace Enamel.Dicom.Validation;

/// <summary>Error: the object does not conform to its IOD. Warning: worth a look, but conformant or not checked fully.</summary>
public enum ValidationSeverity
{
    Warning,
    Error,
}
