namespace Enamel.Fhir.Mapping;

/// <summary>
/// A resource a client sent that Enamel cannot take: <see cref="Element"/> names the element at fault as a FHIRPath-like
/// path ("Procedure.bodySite[0].coding.code"), the message says what is wrong. The edge answers it with 422 and an
/// OperationOutcome whose issue.expression is the element. The reason may quote the offending literal (the strict
/// parser's messages do): it is the client's own input, for the client's answer only — never log the message.
/// </summary>
public sealed class FhirInputException(string element, string message) : Exception($"{element}: {message}")
{
    public string Element { get; } = element;

    public string Reason { get; } = message;
}
