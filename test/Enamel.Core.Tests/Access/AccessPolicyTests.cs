using Enamel.Core.Access;
using Enamel.Core.Audit;

namespace Enamel.Core.Tests.Access;

public sealed class AccessPolicyTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly Operation ReadImages = new(RecordCategory.Imaging, RecordAction.Read);
    private static readonly Operation ReadNotes = new(RecordCategory.ClinicalNotes, RecordAction.Read);

    private readonly ManualTimeProvider time = new();
    private readonly MemoryAuditLog audit = new();
    private readonly MemoryBreakGlassStore grants = new();
    private readonly AccessPolicy policy;
    private readonly BreakGlass breakGlass;

    public AccessPolicyTests()
    {
        var custom = new Role("imaging-viewer", "reads images only", RoleReach.ClinicPatients, new HashSet<Operation> { ReadImages }, BuiltIn: false);
        policy = new AccessPolicy(new BuiltInRoles(custom), grants, audit, time);
        breakGlass = new BreakGlass(new BuiltInRoles(custom), new MemoryUnitOfWork(grants, audit), time);
    }

    private static Actor Staff(string role, params string[] clinics) => new("u-" + role, role, [role], new HashSet<string>(clinics));

    /// <summary>The actor has just entered their second factor (what the web edge gets from SignIn.ProveSecondFactorAsync).</summary>
    private SecondFactorProof Present(Actor actor) => new(actor.UserId, time.GetUtcNow());

    private Task<Decision> Decide(Actor actor, Operation op, ResourceScope scope, Purpose purpose = Purpose.Treatment) =>
        policy.DecideAsync(actor, op, scope, purpose, Ct);

    [Fact]
    public async Task Decide_PatientA_CannotReachPatientB()
    {
        var patientA = new Actor("pa", "a", [RoleTable.Patient], new HashSet<string>()) { OwnPatientKey = 1 };
        Assert.True((await Decide(patientA, ReadImages, ResourceScope.ForPatient(1, "north"))).Allowed);
        var denied = await Decide(patientA, ReadImages, ResourceScope.ForPatient(2, "north"));
        Assert.False(denied.Allowed);
        Assert.Equal("not-own-record", denied.Rule);
        Assert.Equal(AuditOutcome.Denied, audit.Records[^1].Event.Outcome);
        Assert.Equal(2, audit.Records[^1].Event.PatientKey);
    }

    [Fact]
    public async Task Decide_Guardian_ReachesDependantsOnly()
    {
        var guardian = new Actor("g", "g", [RoleTable.Patient], new HashSet<string>()) { OwnPatientKey = 1, Dependants = new HashSet<long> { 5 } };
        Assert.True((await Decide(guardian, ReadImages, ResourceScope.ForPatient(5, "north"))).Allowed);
        Assert.False((await Decide(guardian, ReadImages, ResourceScope.ForPatient(6, "north"))).Allowed);
    }

    [Fact]
    public async Task Decide_OtherClinicsPatient_IsDeniedUnlessMember()
    {
        var dentist = Staff(RoleTable.Dentist, "north");
        var south = ResourceScope.ForPatient(9, "south");
        var d = await Decide(dentist, ReadImages, south);
        Assert.False(d.Allowed);
        Assert.Equal("outside-clinic", d.Rule);
        Assert.True((await Decide(Staff(RoleTable.Dentist, "north", "south"), ReadImages, south)).Allowed);
        Assert.False((await Decide(Staff(RoleTable.Admin, "north"), new(RecordCategory.Settings, RecordAction.Read), ResourceScope.ForClinic("south"))).Allowed);
    }

    [Fact]
    public async Task Decide_ExternalRecipient_OnlySharedPatients()
    {
        var lab = new Actor("x", "lab", [RoleTable.ExternalRecipient], new HashSet<string>()) { SharedPatients = new HashSet<long> { 3 } };
        Assert.True((await Decide(lab, ReadImages, ResourceScope.ForPatient(3, "north"))).Allowed);
        Assert.Equal("not-shared", (await Decide(lab, ReadImages, ResourceScope.ForPatient(4, "north"))).Rule);
    }

    [Fact]
    public async Task Decide_DisabledUnknownRoleOrTokenScope_Denies()
    {
        Assert.Equal("account-disabled", (await Decide(Staff(RoleTable.Dentist, "north") with { Disabled = true }, ReadImages, ResourceScope.ForPatient(1, "north"))).Rule);
        Assert.False((await Decide(Staff("no-such-role", "north"), ReadImages, ResourceScope.ForPatient(1, "north"))).Allowed);
        var scoped = Staff(RoleTable.Dentist, "north") with { TokenScope = new HashSet<Operation> { ReadImages } };
        Assert.True((await Decide(scoped, ReadImages, ResourceScope.ForPatient(1, "north"))).Allowed);
        Assert.Equal("outside-token-scope", (await Decide(scoped, ReadNotes, ResourceScope.ForPatient(1, "north"))).Rule);
        Assert.False((await Decide(Staff(RoleTable.Dentist, "north"), new((RecordCategory)99, RecordAction.Read), ResourceScope.ForPatient(1, "north"))).Allowed);
        Assert.Equal(5, audit.Records.Count);
    }

    [Fact]
    public async Task Decide_CustomRole_GrantsOnlyItsOperations()
    {
        var viewer = Staff("imaging-viewer", "north");
        Assert.True((await Decide(viewer, ReadImages, ResourceScope.ForPatient(1, "north"))).Allowed);
        Assert.False((await Decide(viewer, ReadNotes, ResourceScope.ForPatient(1, "north"))).Allowed);
    }

    [Fact]
    public async Task BreakGlass_WithoutReason_IsRefusedAndAudited()
    {
        var dentist = Staff(RoleTable.Dentist, "north");
        var result = await breakGlass.RequestAsync(dentist, Present(dentist), 9, "  urgent ", null, Ct);
        Assert.Null(result.Grant);
        Assert.Equal("reason-required", result.Refusal);
        Assert.Empty(grants.Grants);
        Assert.Equal(("BreakGlass", AuditOutcome.Denied), (audit.Records[^1].Event.Action.Text, audit.Records[^1].Event.Outcome));
        Assert.Equal("duration-out-of-range", (await breakGlass.RequestAsync(dentist, Present(dentist), 9, "patient collapsed in chair 2", TimeSpan.FromHours(5), Ct)).Refusal);
        Assert.Equal("no-clinical-role", (await breakGlass.RequestAsync(Staff(RoleTable.Admin, "north"), Present(Staff(RoleTable.Admin, "north")), 9, "patient collapsed in chair 2", null, Ct)).Refusal);
    }

    [Fact]
    public async Task BreakGlass_NeedsAnInteractiveUser_WithAFreshSecondFactor_NeverAnApiToken()
    {
        var dentist = Staff(RoleTable.Dentist, "north");
        const string reason = "patient collapsed in chair 2";
        Assert.Equal("second-factor-required", (await breakGlass.RequestAsync(dentist, null, 9, reason, null, Ct)).Refusal);
        Assert.Equal("second-factor-required", (await breakGlass.RequestAsync(dentist, Present(Staff(RoleTable.Hygienist, "north")), 9, reason, null, Ct)).Refusal); // someone else's
        var stale = Present(dentist);
        time.Advance(BreakGlass.SecondFactorFreshness + TimeSpan.FromSeconds(1));
        Assert.Equal("second-factor-required", (await breakGlass.RequestAsync(dentist, stale, 9, reason, null, Ct)).Refusal);
        var token = dentist with { TokenScope = new HashSet<Operation> { ReadImages } };
        Assert.Equal("api-token", (await breakGlass.RequestAsync(token, Present(token), 9, reason, null, Ct)).Refusal);
        Assert.Empty(grants.Grants);
        Assert.Equal(("BreakGlass", AuditOutcome.Denied, "api-token"), (audit.Records[^1].Event.Action.Text, audit.Records[^1].Event.Outcome, audit.Records[^1].Event.Detail));
        Assert.NotNull((await breakGlass.RequestAsync(dentist, Present(dentist), 9, reason, null, Ct)).Grant);
    }

    [Fact]
    public async Task BreakGlass_Grant_AllowsEmergencyAccessUntilItExpires()
    {
        var dentist = Staff(RoleTable.Dentist, "north");
        var south = ResourceScope.ForPatient(9, "south");
        var result = await breakGlass.RequestAsync(dentist, Present(dentist), 9, "anaphylaxis, need medical history now", TimeSpan.FromMinutes(30), Ct);
        Assert.NotNull(result.Grant);
        Assert.Single(await grants.ListUnreviewedAsync(Ct)); // the privacy officer's queue

        var allowed = await Decide(dentist, ReadNotes, south, Purpose.Emergency);
        Assert.True(allowed.Allowed);
        Assert.True(allowed.BreakGlass);
        Assert.Equal("break-glass", audit.Records[^1].Event.Detail);
        Assert.Equal("ETREAT", audit.Records[^1].Event.Purpose);

        Assert.False((await Decide(dentist, ReadNotes, south, Purpose.Treatment)).Allowed); // must say it is an emergency
        Assert.False((await Decide(dentist, ReadNotes, ResourceScope.ForPatient(10, "south"), Purpose.Emergency)).Allowed); // one patient only
        Assert.False((await Decide(dentist, new(RecordCategory.InsuranceBilling, RecordAction.Amend), south, Purpose.Emergency)).Allowed); // never widens the role

        time.Advance(TimeSpan.FromMinutes(30));
        var expired = await Decide(dentist, ReadNotes, south, Purpose.Emergency);
        Assert.False(expired.Allowed);
        Assert.Equal("outside-clinic", expired.Rule);
    }

    [Fact]
    public async Task BreakGlass_Receptionist_StillCannotReadClinicalNotes()
    {
        var receptionist = Staff(RoleTable.Receptionist, "north");
        Assert.NotNull((await breakGlass.RequestAsync(receptionist, Present(receptionist), 9, "front desk emergency call", null, Ct)).Grant);
        Assert.False((await Decide(receptionist, ReadNotes, ResourceScope.ForPatient(9, "south"), Purpose.Emergency)).Allowed);
        Assert.True((await Decide(receptionist, new(RecordCategory.Demographics, RecordAction.Read), ResourceScope.ForPatient(9, "south"), Purpose.Emergency)).Allowed);
    }

    [Fact]
    public void Operation_ParseAndFormat_RoundTrip()
    {
        foreach (var op in Operation.All) Assert.Equal(op, Operation.Parse(op.ToString()));
        Assert.Equal(60, Operation.All.Count);
        Assert.False(Operation.TryParse("Imaging:Fly", out _));
        Assert.False(Operation.TryParse("Imaging", out _));
    }

    private Task<SearchDecision> Search(Actor actor, Operation op, Purpose purpose = Purpose.Treatment) =>
        policy.SearchReachAsync(actor, op, purpose, "qido studies", Ct);

    [Fact]
    public async Task SearchReach_Staff_ReachesTheirClinics_PatientOwnAndDependants_RecipientShares()
    {
        var dentist = await Search(Staff(RoleTable.Dentist, "north", "west"), ReadImages);
        Assert.True(dentist.Allowed);
        Assert.Equal(["north", "west"], dentist.Reach.Clinics.Order());
        Assert.Empty(dentist.Reach.PatientKeys);

        var guardian = await Search(new Actor("g", "g", [RoleTable.Patient], new HashSet<string> { "north" }) { OwnPatientKey = 1, Dependants = new HashSet<long> { 5 } }, ReadImages);
        Assert.True(guardian.Allowed);
        Assert.Empty(guardian.Reach.Clinics); // a patient's clinic membership reaches no other patient
        Assert.Equal([1L, 5L], guardian.Reach.PatientKeys.Order());

        var recipient = await Search(new Actor("x", "x", [RoleTable.ExternalRecipient], new HashSet<string>()) { SharedPatients = new HashSet<long> { 7 } }, ReadImages);
        Assert.Equal([7L], recipient.Reach.PatientKeys);
        Assert.Equal(AuditOutcome.Success, audit.Records[^1].Event.Outcome);
        Assert.Null(audit.Records[^1].Event.PatientKey);
        Assert.Contains("search-reach", audit.Records[^1].Event.Detail);

        // Roles combine: a dentist who is also a patient reaches their clinic and their own record.
        var both = await Search(new Actor("dp", "dp", [RoleTable.Dentist, RoleTable.Patient], new HashSet<string> { "north" }) { OwnPatientKey = 42 }, ReadImages);
        Assert.Equal(["north"], both.Reach.Clinics);
        Assert.Equal([42L], both.Reach.PatientKeys);
    }

    [Fact]
    public async Task SearchReach_IsDenied_WhenNoRolePermits_ForNonPatientRoles_OutsideTokenScope_OrDisabled()
    {
        var billing = await Search(Staff(RoleTable.Billing, "north"), ReadImages);
        Assert.False(billing.Allowed);
        Assert.Equal("no-role-permits", billing.Decision.Rule);
        Assert.True(billing.Reach.IsEmpty);
        Assert.Equal(AuditOutcome.Denied, audit.Records[^1].Event.Outcome);

        var adminAudit = await Search(Staff(RoleTable.Admin, "north"), new(RecordCategory.Settings, RecordAction.Read));
        Assert.False(adminAudit.Allowed);
        Assert.Equal("not-a-patient-role", adminAudit.Decision.Rule);

        var scoped = Staff(RoleTable.Dentist, "north") with { TokenScope = new HashSet<Operation> { ReadNotes } };
        Assert.Equal("outside-token-scope", (await Search(scoped, ReadImages)).Decision.Rule);
        Assert.Equal("account-disabled", (await Search(Staff(RoleTable.Dentist, "north") with { Disabled = true }, ReadImages)).Decision.Rule);
        // A patient's token cannot search for what the patient role does not permit.
        Assert.False((await Search(new Actor("p", "p", [RoleTable.Patient], new HashSet<string>()) { OwnPatientKey = 1 }, new(RecordCategory.Imaging, RecordAction.Create))).Allowed);
    }

    [Fact]
    public async Task SearchReach_Emergency_AddsTheActorsActiveBreakGlassPatients_Only()
    {
        var dentist = Staff(RoleTable.Dentist, "north");
        Assert.NotNull((await breakGlass.RequestAsync(dentist, Present(dentist), 9, "patient collapsed in chair 2", TimeSpan.FromMinutes(30), Ct)).Grant);
        Assert.Empty((await Search(dentist, ReadImages)).Reach.PatientKeys);
        Assert.Equal([9L], (await Search(dentist, ReadImages, Purpose.Emergency)).Reach.PatientKeys);
        Assert.Empty((await Search(Staff(RoleTable.Dentist, "north") with { UserId = "someone-else" }, ReadImages, Purpose.Emergency)).Reach.PatientKeys);
        time.Advance(TimeSpan.FromMinutes(31));
        Assert.Empty((await Search(dentist, ReadImages, Purpose.Emergency)).Reach.PatientKeys);
    }
}
