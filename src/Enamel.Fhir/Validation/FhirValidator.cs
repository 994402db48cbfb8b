using Enamel.Fhir.Conformance;
using Firely.Fhir.Validation;
using Hl7.Fhir.Model;
using Hl7.Fhir.Specification.Snapshot;
using Hl7.Fhir.Specification.Source;
using Hl7.Fhir.Specification.Terminology;

namespace Enamel.Fhir.Validation;

/// <summary>One finding of the validator: how bad, where (a FHIRPath expression such as "Procedure.bodySite[0]"), what.</summary>
public sealed record FhirIssue(OperationOutcome.IssueSeverity Severity, string Element, string Message)
{
    public bool IsError => Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal;

    public override string ToString() => $"{Severity} {Element}: {Message}";
}

/// <summary>
/// Firely's validator (Firely.Fhir.Validation.R4) against base R4 4.0.1, offline: the core definitions come from the
/// specification.zip of Hl7.Fhir.Specification.Data.R4 next to the application, terminology is local (the value sets in
/// that zip), and Enamel's own extensions (<see cref="EnamelDefinitions"/>) resolve. Building it reads and compiles
/// the core profiles, which is slow: use <see cref="Shared"/>, one instance per process, safe to share.
/// </summary>
public sealed class FhirValidator
{
    private static readonly Lazy<FhirValidator> Instance = new(() => new FhirValidator(), LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The process-wide validator (built on first use).</summary>
    public static FhirValidator Shared => Instance.Value;

    private readonly Validator validator;

    /// <param name="specificationZip">The specification.zip to read; default: the one copied next to the application.</param>
    public FhirValidator(string? specificationZip = null)
    {
        var path = specificationZip ?? Path.Combine(AppContext.BaseDirectory, "specification.zip");
        if (!File.Exists(path))
            throw new FileNotFoundException("FHIR R4 specification.zip (package Hl7.Fhir.Specification.Data.R4) is not next to the application", path);
        var core = new CachedResolver(new ZipSource(path));
        var ours = EnamelDefinitions.All().Select(r => r is StructureDefinition sd ? WithSnapshot(sd, core) : r).ToList();
        var resolver = new CachedResolver(new MultiResolver(new InMemoryResourceResolver(ours), core));
        validator = new Validator(resolver, new LocalTerminologyService(resolver));
    }

    private static StructureDefinition WithSnapshot(StructureDefinition sd, IAsyncResourceResolver core)
    {
        var generator = new SnapshotGenerator(core);
        // Synchronous by design: this runs once, while the validator is built.
        generator.UpdateAsync(sd).GetAwaiter().GetResult();
        if (generator.Outcome is { } outcome && outcome.Issue.Any(i => i.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal))
            throw new InvalidOperationException($"snapshot of {sd.Url}: {string.Join("; ", outcome.Issue.Select(i => i.Details?.Text ?? i.Diagnostics))}");
        return sd;
    }

    /// <summary>Every issue the validator finds in <paramref name="resource"/> against its R4 core profile.</summary>
    public IReadOnlyList<FhirIssue> Validate(Resource resource)
    {
        var outcome = validator.Validate(resource);
        return [.. outcome.Issue.Select(i => new FhirIssue(i.Severity ?? OperationOutcome.IssueSeverity.Information,
            i.Expression?.FirstOrDefault() ?? i.Location?.FirstOrDefault() ?? resource.TypeName,
            i.Details?.Text ?? i.Diagnostics ?? i.Code?.ToString() ?? ""))];
    }

    /// <summary>Only the errors (and fatal issues): what makes a resource invalid.</summary>
    public IReadOnlyList<FhirIssue> Errors(Resource resource) => [.. Validate(resource).Where(i => i.IsError)];
}
