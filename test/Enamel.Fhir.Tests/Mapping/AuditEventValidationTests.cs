using Enamel.Core.Access;
using Enamel.Core.Audit;
using Enamel.Fhir.Mapping;
using Firely.Fhir.Validation;
using Hl7.Fhir.Model;
using Hl7.Fhir.Specification.Source;
using Hl7.Fhir.Specification.Terminology;

namespace Enamel.Fhir.Tests.Mapping;

/// <summary>
/// Every kind of AuditEvent the export writes, validated by Firely's validator against the R4 core profiles
/// (specification.zip from Hl7.Fhir.Specification.Data.R4, local terminology: offline). Zero errors allowed.
/// </summary>
public sealed class AuditEventValidationTests
{
    /// <summary>
    /// Every action Enamel appends to the trail: the policy's record actions (a decision or a data event) and the
    /// security events of accounts, tokens, roles, keys and break-glass (the strings in Core/Accounts, Core/Access and the CLI).
    /// </summary>
    public static IReadOnlyList<string> Actions { get; } =
    [
        .. Enum.GetNames<RecordAction>(),
        "Login", "Logout", "BreakGlass", "BreakGlassReview", "KeyRotate", "UserCreate", "UserLink", "UserDisable", "RoleDefine",
        "MfaReset", "MfaEnrol", "PasswordChange", "TokenCreate", "TokenRevoke",
    ];

    private static readonly Lazy<Validator> Shared = new(() =>
    {
        var resolver = new CachedResolver(ZipSource.CreateValidationSource());
        return new Validator(resolver, new LocalTerminologyService(resolver));
    });

    public static TheoryData<string, AuditOutcome> ActionsAndOutcomes()
    {
        var data = new TheoryData<string, AuditOutcome>();
        foreach (var action in Actions)
            foreach (var outcome in Enum.GetValues<AuditOutcome>()) data.Add(action, outcome);
        return data;
    }

    [Theory]
    [MemberData(nameof(ActionsAndOutcomes))]
    public void ToFhir_EveryActionAndOutcome_HasNoValidationErrors(string action, AuditOutcome outcome)
    {
        // Shaped as Enamel writes it: record actions name a patient, an object, a purpose and an IP; security events an object only.
        bool record = Enum.TryParse<RecordAction>(action, out _);
        var e = new Core.Audit.AuditEvent(new DateTimeOffset(2026, 3, 2, 9, 30, 0, 123, TimeSpan.FromHours(8)), "u-7", record ? "dentist" : "",
            record ? 1234 : null, record ? "Imaging study 1.2.840.113619.2.55" : "user u-9", action, outcome, record ? "TREAT" : "", record ? "192.168.1.20" : "")
        { Detail = outcome == AuditOutcome.Success ? "role-permits" : "outside-clinic" };
        AssertValid(AuditEventMapping.ToFhir(new AuditRecord(7, e, new byte[32]), "north"));
    }

    public static TheoryData<long?, string, string, string, string, string> Shapes() => new()
    {
        // patient, object, purpose, source, role, detail: each optional part present and absent
        { null, "", "", "", "", "" },
        { 5, "", "", "", "", "" },
        { null, "session", "", "CBCT_AE", "", "bad-password" },
        { 5, "Imaging search PatientID", "ETREAT", "::1", "dentist,hygienist", "break-glass: patients 5" },
        { 5, "break-glass grant 3", "HCOMPL", "10.0.0.1", "privacy-officer", "" },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void ToFhir_OptionalPartsPresentOrAbsent_HasNoValidationErrors(long? patient, string obj, string purpose, string source, string role, string detail)
    {
        var e = new Core.Audit.AuditEvent(DateTimeOffset.UnixEpoch, "u-1", role, patient, obj, "Read", AuditOutcome.Success, purpose, source) { Detail = detail };
        AssertValid(AuditEventMapping.ToFhir(new AuditRecord(1, e, new byte[32]), "north"));
    }

    [Fact]
    public void PurposeCodes_EveryPurpose_IsAValidPurposeOfEvent()
    {
        foreach (var purpose in Enum.GetValues<Purpose>())
        {
            var e = new Core.Audit.AuditEvent(DateTimeOffset.UnixEpoch, "u-1", "dentist", 5, "Imaging", "Read", AuditOutcome.Success, PurposeCodes.Code(purpose), "127.0.0.1");
            AssertValid(AuditEventMapping.ToFhir(new AuditRecord(1, e, new byte[32]), "north"));
        }
    }

    [Fact]
    public void ToBundle_EmptyAndFull_HaveNoValidationErrors()
    {
        var e = new Core.Audit.AuditEvent(DateTimeOffset.UnixEpoch, "u", "r", 5, "", "Read", AuditOutcome.Success, "TREAT", "10.0.0.1");
        AssertValid(AuditEventMapping.ToBundle([], "north"));
        AssertValid(AuditEventMapping.ToBundle([new AuditRecord(1, e, new byte[32]), new AuditRecord(2, e with { Action = "Login" }, new byte[32])], "north"));
    }

    [Fact]
    public void Validator_AuditEventMissingItsTypeAndAgent_ReportsErrors()
    {
        // The validator is not a silent pass: the mapping's output minus two required elements fails.
        var e = new Core.Audit.AuditEvent(DateTimeOffset.UnixEpoch, "u-1", "", null, "", "Read", AuditOutcome.Success, "", "");
        var broken = AuditEventMapping.ToFhir(new AuditRecord(1, e, new byte[32]), "north");
        broken.Type = null!;
        broken.Agent.Clear();
        Assert.NotEmpty(Errors(broken));
    }

    private static List<string> Errors(Resource resource) =>
        Shared.Value.Validate(resource).Issue.Where(i => i.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal)
            .Select(i => $"{i.Location?.FirstOrDefault() ?? i.Expression?.FirstOrDefault()}: {i.Details?.Text ?? i.Diagnostics}").ToList();

    private static void AssertValid(Resource resource)
    {
        var result = Shared.Value.Validate(resource);
        var errors = result.Issue.Where(i => i.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal)
            .Select(i => $"{i.Location?.FirstOrDefault() ?? i.Expression?.FirstOrDefault()}: {i.Details?.Text ?? i.Diagnostics}").ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors));
        // The validator ran against the core profile (not an empty pass because nothing resolved).
        Assert.DoesNotContain(result.Issue, i => (i.Details?.Text ?? "").Contains("Unable to resolve", StringComparison.OrdinalIgnoreCase));
    }
}
