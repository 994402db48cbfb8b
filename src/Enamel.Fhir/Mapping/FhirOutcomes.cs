using Enamel.Fhir.Validation;
using F = Hl7.Fhir.Model;

namespace Enamel.Fhir.Mapping;

/// <summary>
/// OperationOutcomes for refusals: a resource Enamel cannot take (<see cref="FhirInputException"/>, the validator's
/// errors) with issue.expression naming the element, or a plain refusal (not found, denied, conflict). The text says
/// what is wrong; it never carries more of the client's data than the element path.
/// </summary>
public static class FhirOutcomes
{
    public static F.OperationOutcome Invalid(FhirInputException e) => new()
    {
        Issue = [new F.OperationOutcome.IssueComponent
        {
            Severity = F.OperationOutcome.IssueSeverity.Error,
            Code = e.Element == "resource" ? F.OperationOutcome.IssueType.Structure : F.OperationOutcome.IssueType.Invalid,
            Diagnostics = e.Reason,
            Expression = [e.Element],
        }],
    };

    /// <summary>The validator's errors and warnings (information left out) as one outcome.</summary>
    public static F.OperationOutcome Invalid(IReadOnlyList<FhirIssue> issues) => new()
    {
        Issue = [.. issues.Where(i => i.Severity != F.OperationOutcome.IssueSeverity.Information).Select(i => new F.OperationOutcome.IssueComponent
        {
            Severity = i.Severity,
            Code = F.OperationOutcome.IssueType.Invalid,
            Diagnostics = i.Message,
            Expression = [i.Element],
        })],
    };

    /// <summary>One refusal: not-found, forbidden, conflict (a stale If-Match), not-supported …</summary>
    public static F.OperationOutcome Refused(F.OperationOutcome.IssueType code, string text) => new()
    {
        Issue = [new F.OperationOutcome.IssueComponent { Severity = F.OperationOutcome.IssueSeverity.Error, Code = code, Diagnostics = text }],
    };
}
