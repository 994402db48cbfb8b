using Enamel.Core.Access;
using Enamel.Core.Audit;
using Enamel.Core.Records;
using Enamel.Core.Tests.Access;

namespace Enamel.Core.Tests.Records;

/// <summary>
/// The policy on (actor, operation, item, purpose) and the entered-in-error verb, over in-memory stores: the decision is
/// made for the item's patient and clinic and names the item in the audit trail; marking needs Amend on the item's
/// category, changes only the current version's status, and is audited.
/// </summary>
public sealed class RecordKernelTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private readonly ManualTimeProvider time = new(new DateTimeOffset(2026, 12, 3, 9, 0, 0, TimeSpan.Zero));
    private readonly MemoryAuditLog audit = new();
    private readonly MemoryHistory history = new();
    private readonly AccessPolicy policy;
    private readonly MarkEnteredInError mark;

    private static readonly RecordOwner Instance = new(new RecordRef(RecordKind.Instance, "1.2.3.4", 7, RecordCategory.Imaging), "north");

    public RecordKernelTests()
    {
        policy = new AccessPolicy(new BuiltInRoles(), new MemoryBreakGlassStore(), audit, time);
        mark = new MarkEnteredInError(policy, new RecordOwners([new OneItem(Instance)]), history, time);
    }

    private static Actor Staff(string role, params string[] clinics) => new("u-" + role, role, [role], new HashSet<string>(clinics));

    [Fact]
    public async Task Decide_ForAnItem_UsesItsPatientAndClinic_AndNamesIt()
    {
        var read = new Operation(RecordCategory.Imaging, RecordAction.Read);
        Assert.True((await policy.DecideAsync(Staff(RoleTable.Dentist, "north"), read, Instance, Purpose.Treatment, Ct)).Allowed);
        Assert.Equal((7L, "Imaging instance 1.2.3.4"), (audit.Records[^1].Event.PatientKey!.Value, audit.Records[^1].Event.Object));
        var south = await policy.DecideAsync(Staff(RoleTable.Dentist, "south"), read, Instance, Purpose.Treatment, Ct);
        Assert.True(south.IsOutOfReach);
        // A patient reaches an item of their own record only.
        var own = new Actor("p", "p", [RoleTable.Patient], new HashSet<string>()) { OwnPatientKey = 7 };
        Assert.True((await policy.DecideAsync(own, read, Instance, Purpose.PatientRequest, Ct)).Allowed);
        Assert.False((await policy.DecideAsync(own with { OwnPatientKey = 8 }, read, Instance, Purpose.PatientRequest, Ct)).Allowed);
    }

    [Fact]
    public async Task Decide_ANamedItemThatDoesNotExist_IsAPatientRecord_ForARoleReachingNoPatient()
    {
        var auditRead = new Operation(RecordCategory.Audit, RecordAction.Read);
        var admin = Staff(RoleTable.Admin, "main");
        Assert.True((await policy.DecideAsync(admin, auditRead, ResourceScope.ForClinic("main"), Purpose.Compliance, Ct)).Allowed);
        var missing = new ResourceScope(null, "main") { Object = "patient 99", NamesRecord = true };
        Assert.Equal("not-a-patient-role", (await policy.DecideAsync(admin, auditRead, missing, Purpose.Compliance, Ct)).Rule);
        Assert.True((await policy.DecideAsync(Staff(RoleTable.PrivacyOfficer, "main"), auditRead, missing, Purpose.Compliance, Ct)).Allowed);
    }

    [Fact]
    public async Task MarkEnteredInError_NeedsAmend_MarksTheCurrentVersion_AndIsAudited()
    {
        await history.AppendAsync(Instance.Item, new VersionNote("u-a", "received via STOW-RS"), time.GetUtcNow(), Ct);
        await history.AppendAsync(Instance.Item, new VersionNote("u-b", "received via C-STORE"), time.GetUtcNow(), Ct);

        Assert.Equal(EnteredInErrorOutcome.Refused, (await mark.ExecuteAsync(Staff(RoleTable.Hygienist, "north"), Instance.Item, "wrong tooth", Purpose.Treatment, Ct)).Outcome);
        Assert.Equal(EnteredInErrorOutcome.NotFound, (await mark.ExecuteAsync(Staff(RoleTable.Dentist, "south"), Instance.Item, "wrong tooth", Purpose.Treatment, Ct)).Outcome);
        Assert.Equal(EnteredInErrorOutcome.NotFound, (await mark.ExecuteAsync(Staff(RoleTable.Dentist, "north"), Instance.Item with { Id = "9.9" }, "x", Purpose.Treatment, Ct)).Outcome);
        Assert.Equal(EnteredInErrorOutcome.NoReason, (await mark.ExecuteAsync(Staff(RoleTable.Dentist, "north"), Instance.Item, " ", Purpose.Treatment, Ct)).Outcome);
        Assert.Equal(EnteredInErrorOutcome.NotSupported, (await mark.ExecuteAsync(Staff(RoleTable.Dentist, "north"), RecordRef.ForPatient(7), "x", Purpose.Treatment, Ct)).Outcome);
        Assert.All(history.Rows, v => Assert.NotEqual(VersionStatus.EnteredInError, v.Status));

        var dentist = Staff(RoleTable.Dentist, "north");
        var result = await mark.ExecuteAsync(dentist, Instance.Item, "wrong tooth", Purpose.Treatment, Ct);
        Assert.Equal(EnteredInErrorOutcome.Marked, result.Outcome);
        Assert.Equal((2, VersionStatus.EnteredInError, "wrong tooth", "u-dentist"), (result.Version!.Number, result.Version.Status, result.Version.Changed!.Reason, result.Version.Changed.AuthorId));
        Assert.Equal([VersionStatus.Superseded, VersionStatus.EnteredInError], history.Rows.Select(v => v.Status));
        Assert.Equal(("u-b", "received via C-STORE"), (history.Rows[1].AuthorId, history.Rows[1].Reason)); // content untouched
        Assert.Equal(EnteredInErrorOutcome.AlreadyEnteredInError, (await mark.ExecuteAsync(dentist, Instance.Item, "again", Purpose.Treatment, Ct)).Outcome);

        var events = audit.Records.Select(r => r.Event).Where(e => e.Object == "Imaging instance 1.2.3.4" && e.Action == "Amend").ToList();
        Assert.Contains(events, e => e.ActorId == "u-hygienist" && e.Outcome == AuditOutcome.Denied);
        Assert.Contains(events, e => e.ActorId == "u-dentist" && e.Outcome == AuditOutcome.Success && e.Detail == "entered-in-error version 2" && e.PatientKey == 7);
    }

    [Fact]
    public async Task MarkEnteredInError_AnItemStoredBeforeVersions_GetsItsVersion1First()
    {
        var result = await mark.ExecuteAsync(Staff(RoleTable.Dentist, "north"), Instance.Item, "wrong patient", Purpose.Treatment, Ct);
        Assert.Equal(EnteredInErrorOutcome.Marked, result.Outcome);
        var v1 = Assert.Single(history.Rows);
        Assert.Equal((1, MarkEnteredInError.UnversionedReason, VersionStatus.EnteredInError), (v1.Number, v1.Reason, v1.Status));
    }

    private sealed class OneItem(RecordOwner owner) : IRecordOwnerResolver
    {
        public RecordKind Kind => owner.Item.Kind;
        public Task<RecordOwner?> ResolveAsync(string id, CancellationToken ct) => Task.FromResult(id == owner.Item.Id ? owner : null);
    }

    /// <summary>One item's versions in memory, with the store's forward-only status rule.</summary>
    private sealed class MemoryHistory : IRecordHistory
    {
        public List<RecordVersion> Rows { get; } = [];

        public Task<RecordVersion> AppendAsync(RecordRef item, VersionNote note, DateTimeOffset time, CancellationToken ct)
        {
            for (int i = 0; i < Rows.Count; i++)
                if (Rows[i].Status == VersionStatus.Current) Rows[i] = Rows[i] with { Status = VersionStatus.Superseded, Changed = new(note.AuthorId, time, "superseded") };
            var v = new RecordVersion(item, Rows.Count + 1, note.AuthorId, time, note.Reason, VersionStatus.Current);
            Rows.Add(v);
            return Task.FromResult(v);
        }

        public Task<RecordVersion?> MarkAsync(RecordRef item, int number, VersionStatus status, StatusChange change, CancellationToken ct)
        {
            int i = Rows.FindIndex(v => v.Number == number);
            if (i < 0 || Rows[i].Status == VersionStatus.EnteredInError || (status == VersionStatus.Superseded && Rows[i].Status != VersionStatus.Current))
                return Task.FromResult<RecordVersion?>(null);
            Rows[i] = Rows[i] with { Status = status, Changed = change };
            return Task.FromResult<RecordVersion?>(Rows[i]);
        }

        public Task<IReadOnlyList<RecordVersion>> ReadAsync(RecordRef item, CancellationToken ct) => Task.FromResult<IReadOnlyList<RecordVersion>>([.. Rows]);
    }
}
