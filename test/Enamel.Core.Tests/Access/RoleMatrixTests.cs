using Enamel.Core.Access;
using Enamel.Core.Audit;

namespace Enamel.Core.Tests.Access;

/// <summary>Every built-in role × every operation, generated from <see cref="RoleTable"/>, plus the invariants an auditor checks first.</summary>
public sealed class RoleMatrixTests
{
    private const long OwnPatient = 11, SharedPatient = 22, ClinicPatient = 33;

    public static TheoryData<string, RecordCategory, RecordAction> Matrix()
    {
        var data = new TheoryData<string, RecordCategory, RecordAction>();
        foreach (var role in RoleTable.BuiltIn.Keys)
            foreach (var op in Operation.All)
                data.Add(role, op.Category, op.Action);
        return data;
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Decide_EveryRoleAndOperation_AllowsExactlyWhatTheTableSays(string roleName, RecordCategory category, RecordAction action)
    {
        var role = RoleTable.BuiltIn[roleName];
        var audit = new MemoryAuditLog();
        var policy = new AccessPolicy(new BuiltInRoles(), new MemoryBreakGlassStore(), audit, new ManualTimeProvider());
        var actor = new Actor("u1", "user", [roleName], new HashSet<string> { "north" })
        {
            OwnPatientKey = OwnPatient,
            SharedPatients = new HashSet<long> { SharedPatient },
        };
        var resource = role.Reach switch
        {
            RoleReach.OwnRecord => ResourceScope.ForPatient(OwnPatient, "north"),
            RoleReach.SharedRecords => ResourceScope.ForPatient(SharedPatient, "north"),
            _ when category is RecordCategory.Audit or RecordCategory.Settings => ResourceScope.ForClinic("north"),
            _ => ResourceScope.ForPatient(ClinicPatient, "north"),
        };
        var op = new Operation(category, action);

        var decision = await policy.DecideAsync(actor, op, resource, Purpose.Treatment, CancellationToken.None);

        Assert.Equal(role.Permits(op), decision.Allowed);
        var entry = Assert.Single(audit.Records).Event;
        Assert.Equal(decision.Allowed ? AuditOutcome.Success : AuditOutcome.Denied, entry.Outcome);
        Assert.Equal(action.ToString(), entry.Action.Text);
        Assert.Equal("u1", entry.ActorId);
        Assert.Equal("TREAT", entry.Purpose);
    }

    [Fact]
    public void RoleTable_Receptionist_NeverReadsClinicalContent()
    {
        var r = RoleTable.BuiltIn[RoleTable.Receptionist];
        foreach (var c in new[] { RecordCategory.ClinicalNotes, RecordCategory.Imaging, RecordCategory.MedicalHistory, RecordCategory.LabReports })
            foreach (var a in Enum.GetValues<RecordAction>())
                Assert.False(r.Permits(new(c, a)), $"receptionist may {a} {c}");
    }

    [Fact]
    public void RoleTable_LabTechnician_NeverTouchesInsuranceBilling()
    {
        foreach (var a in Enum.GetValues<RecordAction>())
            Assert.False(RoleTable.BuiltIn[RoleTable.LabTechnician].Permits(new(RecordCategory.InsuranceBilling, a)));
    }

    [Fact]
    public void RoleTable_Admin_HasNoPatientRecordAccess()
    {
        var admin = RoleTable.BuiltIn[RoleTable.Admin];
        Assert.All(admin.Permissions, p => Assert.Contains(p.Category, new[] { RecordCategory.Settings, RecordCategory.Audit }));
        Assert.Equal(RoleReach.ClinicOnly, admin.Reach);
    }

    [Fact]
    public void RoleTable_OnlyPrivacyOfficerDisposes_NobodyAmendsTheAuditTrail()
    {
        foreach (var role in RoleTable.BuiltIn.Values)
        {
            if (role.Name != RoleTable.PrivacyOfficer)
                Assert.DoesNotContain(role.Permissions, p => p.Action == RecordAction.Dispose);
            Assert.DoesNotContain(role.Permissions, p => p.Category == RecordCategory.Audit && p.Action is not (RecordAction.Read or RecordAction.Export));
        }
    }

    [Fact]
    public void RoleTable_HasTheNineBuiltInRoles()
    {
        Assert.Equal(9, RoleTable.BuiltIn.Count);
        Assert.All(RoleTable.BuiltIn.Values, r => Assert.True(r.BuiltIn));
    }
}
