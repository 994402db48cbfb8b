using System.Data.Common;
using Enamel.Core.Access;
using Enamel.Core.Accounts;
using Enamel.Core.Audit;
using Enamel.Storage.Sql;

namespace Enamel.Storage.Tests.Sql;

/// <summary>The security stores and the audit trail's tamper evidence, run against SQLite and against a real PostgreSQL.</summary>
public abstract class SecurityStoresContract : IDisposable
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
    private readonly string root = Path.Combine(Path.GetTempPath(), "enamel-security-tests", Guid.NewGuid().ToString("N"));
    private readonly AuditCheckpointSigner signer = new(new Dictionary<int, byte[]> { [1] = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray() });

    protected SecurityStoresContract() => Directory.CreateDirectory(root);

    protected abstract SqlDialect CreateDialect(string folder);

    private async Task<(SqlSecurityStores Stores, SqlDialect Dialect)> CreateAsync()
    {
        var dialect = CreateDialect(root);
        var stores = new SqlSecurityStores(dialect, signer, TimeProvider.System);
        await stores.InitializeAsync(Ct);
        await stores.InitializeAsync(Ct); // idempotent
        return (stores, dialect);
    }

    private static User NewUser(string name) =>
        new(Guid.NewGuid().ToString("N"), name, name.ToUpperInvariant(), [RoleTable.Dentist, RoleTable.Hygienist], new HashSet<string> { "north", "south" }, T0)
        { PasswordHash = "$argon2id$v=19$m=8,t=1,p=1$AAAA$BBBB" };

    [Fact]
    public async Task Users_AddFindUpdate_RoundTripEveryField()
    {
        var (s, _) = await CreateAsync();
        var user = NewUser("jdoe");
        Assert.True(await s.Users.AddAsync(user, Ct));
        Assert.False(await s.Users.AddAsync(NewUser("jdoe"), Ct));

        var back = await s.Users.FindByNameAsync("jdoe", Ct);
        Assert.NotNull(back);
        Assert.Equal(user.Roles.Order(), back.Roles.Order());
        Assert.True(back.Clinics.SetEquals(user.Clinics));
        Assert.Equal(user.PasswordHash, back.PasswordHash);

        var changed = back with
        {
            Roles = [RoleTable.Patient], Clinics = new HashSet<string>(), Disabled = true, TotpSecret = "sealed", TotpLastStep = 42,
            FailedLogins = 3, LockedUntil = T0.AddMinutes(5), PatientKey = 7, Dependants = new HashSet<long> { 8, 9 }, MustChangePassword = true,
        };
        await s.Users.UpdateAsync(changed, Ct);
        var again = await s.Users.FindByIdAsync(user.Id, Ct);
        Assert.NotNull(again);
        Assert.Equal([RoleTable.Patient], again.Roles);
        Assert.Empty(again.Clinics);
        Assert.True(again.Disabled && again.MustChangePassword);
        Assert.Equal(("sealed", 42L, 3, T0.AddMinutes(5), 7L), (again.TotpSecret, again.TotpLastStep, again.FailedLogins, again.LockedUntil!.Value, again.PatientKey!.Value));
        Assert.True(again.Dependants.SetEquals([8L, 9L]));
        Assert.Equal(1, await s.Users.CountAsync(Ct));

        await s.Users.SaveClinicAsync("north", "North Dental", Ct);
        await s.Users.SaveClinicAsync("north", "North Dental Care", Ct);
        Assert.Equal([("north", "North Dental Care")], await s.Users.ListClinicsAsync(Ct));
    }

    [Fact]
    public async Task RecoveryCodes_Consume_WorksOncePerCode()
    {
        var (s, _) = await CreateAsync();
        var user = NewUser("rc");
        await s.Users.AddAsync(user, Ct);
        await s.Users.ReplaceRecoveryCodesAsync(user.Id, ["a", "b"], Ct);
        Assert.True(await s.Users.ConsumeRecoveryCodeAsync(user.Id, "a", Ct));
        Assert.False(await s.Users.ConsumeRecoveryCodeAsync(user.Id, "a", Ct));
        Assert.False(await s.Users.ConsumeRecoveryCodeAsync(user.Id, "zz", Ct));
        await s.Users.ReplaceRecoveryCodesAsync(user.Id, [], Ct);
        Assert.False(await s.Users.ConsumeRecoveryCodeAsync(user.Id, "b", Ct));
    }

    [Fact]
    public async Task Sessions_AddTouchDelete_AndSignOutEverywhere()
    {
        var (s, _) = await CreateAsync();
        var user = NewUser("sess");
        await s.Users.AddAsync(user, Ct);
        await s.Sessions.AddAsync(new SessionRecord("h1", user.Id, T0, T0, "10.0.0.1"), Ct);
        await s.Sessions.AddAsync(new SessionRecord("h2", user.Id, T0.AddMinutes(1), T0.AddMinutes(1), "10.0.0.2"), Ct);
        var other = NewUser("other");
        await s.Users.AddAsync(other, Ct);
        await s.Sessions.AddAsync(new SessionRecord("h3", other.Id, T0, T0, "10.0.0.3"), Ct);
        Assert.Equal([new SessionRecord("h2", user.Id, T0.AddMinutes(1), T0.AddMinutes(1), "10.0.0.2"), new SessionRecord("h1", user.Id, T0, T0, "10.0.0.1")],
            await s.Sessions.ListForUserAsync(user.Id, Ct)); // newest first, only this user's
        await s.Sessions.TouchAsync("h1", T0.AddMinutes(3), Ct);
        Assert.Equal(T0.AddMinutes(3), (await s.Sessions.FindAsync("h1", Ct))!.LastSeen);
        await s.Sessions.DeleteAsync("h1", Ct);
        Assert.Null(await s.Sessions.FindAsync("h1", Ct));
        Assert.Equal(1, await s.Sessions.DeleteAllForUserAsync(user.Id, Ct));
        Assert.Null(await s.Sessions.FindAsync("h2", Ct));
    }

    [Fact]
    public async Task PendingSteps_TakeOnce_AcrossConcurrentTakers_ExpiredNeverReturned_KindsApart()
    {
        var (s, _) = await CreateAsync();
        var store = s.PendingSteps;
        await store.PutAsync("signin", "h1", "one", T0.AddMinutes(5), T0, Ct);
        await store.PutAsync("mfa-enrolment", "h1", "other kind", T0.AddMinutes(5), T0, Ct);
        Assert.Equal("one", await store.PeekAsync("signin", "h1", T0.AddMinutes(1), Ct));
        Assert.Null(await store.PeekAsync("signin", "h1", T0.AddMinutes(5), Ct)); // at expiry: gone

        // Replacing keeps one entry; of eight concurrent takers exactly one gets it.
        await store.PutAsync("signin", "h1", "two", T0.AddMinutes(6), T0, Ct);
        var takers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => store.TakeAsync("signin", "h1", T0.AddMinutes(1), Ct))));
        Assert.Equal("two", Assert.Single(takers, t => t is not null));
        Assert.Null(await store.TakeAsync("signin", "h1", T0.AddMinutes(1), Ct));
        Assert.Equal("other kind", await store.TakeAsync("mfa-enrolment", "h1", T0.AddMinutes(1), Ct));

        // An expired entry is not taken, and a later write purges it.
        await store.PutAsync("signin", "old", "stale", T0.AddMinutes(1), T0, Ct);
        Assert.Null(await store.TakeAsync("signin", "old", T0.AddMinutes(2), Ct));
        await store.PutAsync("signin", "old2", "stale", T0.AddMinutes(1), T0, Ct);
        await store.PutAsync("signin", "new", "fresh", T0.AddMinutes(9), T0.AddMinutes(2), Ct);
        Assert.Null(await store.PeekAsync("signin", "old2", T0, Ct)); // purged, even asked as of a time it was live
        await store.RemoveAsync("signin", "new", Ct);
        Assert.Null(await store.PeekAsync("signin", "new", T0.AddMinutes(3), Ct));
    }

    [Fact]
    public async Task Tokens_Revoke_IsRecordedOnce()
    {
        var (s, _) = await CreateAsync();
        var user = NewUser("tok");
        await s.Users.AddAsync(user, Ct);
        var scope = new HashSet<Operation> { new(RecordCategory.Imaging, RecordAction.Read), new(RecordCategory.Imaging, RecordAction.Create) };
        await s.Tokens.AddAsync(new ApiTokenRecord("t1", "hash1", user.Id, "modality", scope, T0, T0.AddDays(30)), Ct);
        var found = await s.Tokens.FindByHashAsync("hash1", Ct);
        Assert.NotNull(found);
        Assert.True(found.Scope.SetEquals(scope));
        Assert.Null(found.Revoked);
        Assert.True(await s.Tokens.RevokeAsync("t1", T0.AddDays(1), Ct));
        Assert.False(await s.Tokens.RevokeAsync("t1", T0.AddDays(2), Ct));
        Assert.Equal(T0.AddDays(1), (await s.Tokens.FindByHashAsync("hash1", Ct))!.Revoked);
        Assert.Single(await s.Tokens.ListForUserAsync(user.Id, Ct));
    }

    [Fact]
    public async Task Roles_CustomRole_IsStoredAndBuiltInsCannotBeRedefined()
    {
        var (s, _) = await CreateAsync();
        var role = new Role("x-ray-viewer", "images only", RoleReach.ClinicPatients, new HashSet<Operation> { new(RecordCategory.Imaging, RecordAction.Read) }, false);
        await s.Roles.SaveCustomAsync(role, Ct);
        var back = await s.Roles.FindAsync("x-ray-viewer", Ct);
        Assert.NotNull(back);
        Assert.True(back.Permissions.SetEquals(role.Permissions));
        Assert.Equal(10, (await s.Roles.ListAsync(Ct)).Count);
        await Assert.ThrowsAsync<ArgumentException>(() => s.Roles.SaveCustomAsync(role with { Name = RoleTable.Dentist }, Ct));
    }

    [Fact]
    public async Task BreakGlass_ActiveUntilExpiry_ListedUntilReviewed()
    {
        var (s, _) = await CreateAsync();
        await s.BreakGlass.AddAsync(new BreakGlassGrant("g1", "u1", 5, "anaphylaxis in chair 2", T0, T0.AddHours(1)), Ct);
        Assert.NotNull(await s.BreakGlass.FindActiveAsync("u1", 5, T0.AddMinutes(59), Ct));
        Assert.Null(await s.BreakGlass.FindActiveAsync("u1", 5, T0.AddHours(1), Ct));
        Assert.Null(await s.BreakGlass.FindActiveAsync("u1", 6, T0, Ct));
        Assert.Single(await s.BreakGlass.ListUnreviewedAsync(Ct));
        await s.BreakGlass.MarkReviewedAsync("g1", "privacy", Ct);
        Assert.Empty(await s.BreakGlass.ListUnreviewedAsync(Ct));
    }

    // ---- audit trail ----

    private static AuditEvent Event(int i) =>
        new(T0.AddSeconds(i), $"user{i % 3}", RoleTable.Dentist, i % 4 == 0 ? null : i, $"Imaging study 1.2.{i}", "Read",
            i % 5 == 0 ? AuditOutcome.Denied : AuditOutcome.Success, "TREAT", "192.168.1." + i) { Detail = "role-permits" };

    private async Task<(SqlAuditLog Log, SqlDialect Dialect)> AuditWithAsync(int entries)
    {
        var (s, dialect) = await CreateAsync();
        var log = new SqlAuditLog(dialect, signer, TimeProvider.System) { CheckpointInterval = 10 };
        for (int i = 1; i <= entries; i++) Assert.Equal(i, (await log.AppendAsync(Event(i), Ct)).Sequence);
        return (log, dialect);
    }

    private static async Task SqlAsync(SqlDialect dialect, string sql)
    {
        await using var c = dialect.CreateConnection();
        await c.OpenAsync(Ct);
        await using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        await cmd.ExecuteNonQueryAsync(Ct);
    }

    private Task<AuditVerification> VerifyAsync(IAuditLog log) => new AuditVerifier(signer).VerifyAsync(log, Ct);

    [Fact]
    public async Task Audit_Untouched_VerifiesWithCheckpoints()
    {
        var (log, _) = await AuditWithAsync(25);
        Assert.Equal([10L, 20L], (await log.ReadCheckpointsAsync(Ct)).Select(c => c.Sequence));
        Assert.NotNull(await log.CheckpointAsync(Ct));
        Assert.Null(await log.CheckpointAsync(Ct)); // nothing new to sign
        var v = await VerifyAsync(log);
        Assert.True(v.Intact, v.Message);
        Assert.Equal((25L, 25L), (v.EntriesChecked, v.LastSignedSequence));
        var seven = await log.ReadAsync(7, Ct).FirstAsync();
        Assert.Equal(Event(7), seven.Event);
    }

    [Fact]
    public async Task Audit_Query_FiltersInTheDatabase_ExactlyAsTheQuerySays()
    {
        var (log, _) = await AuditWithAsync(40);
        var all = await log.ReadAsync(1, Ct).ToListAsync(Ct);
        AuditQuery[] queries =
        [
            new(),
            new() { ActorId = "user1" },
            new() { PatientKey = 7 },
            new() { Outcome = AuditOutcome.Denied, ActorId = "user2" },
            new() { Action = "Read", Since = T0.AddSeconds(10), Until = T0.AddSeconds(20) },
            new() { ObjectPrefix = "Imaging study 1.2.1" },
            new() { ObjectPrefix = "Imaging study 1.2.%" }, // a LIKE wildcard is matched literally
            new() { AfterSequence = 30, Limit = 4 },
            new() { ActorId = "nobody" },
            new() { PatientKeys = new HashSet<long> { 3, 7, 8, 12, 999 } }, // 8 and 12 name no patient (i % 4 == 0): excluded
            new() { PatientKeys = new HashSet<long>(Enumerable.Range(1, 5000).Select(k => (long)k * 3)), ActorId = "user0" }, // thousands of keys in one parameter
            new() { PatientKeys = new HashSet<long>() },
        ];
        foreach (var q in queries)
        {
            var expected = all.Where(q.Matches).Take(q.Limit).Select(r => r.Sequence).ToList();
            var actual = (await log.QueryAsync(q, Ct)).Select(r => r.Sequence).ToList();
            Assert.Equal(expected, actual);
        }
        Assert.Equal([31L, 32L, 33L, 34L], (await log.QueryAsync(new AuditQuery { AfterSequence = 30, Limit = 4 }, Ct)).Select(r => r.Sequence));
        Assert.Equal(11, (await log.QueryAsync(new AuditQuery { ObjectPrefix = "Imaging study 1.2.1" }, Ct)).Count); // 1, 10-19
        Assert.Empty(await log.QueryAsync(new AuditQuery { ObjectPrefix = "Imaging study 1.2.%" }, Ct));
        Assert.Equal([3L, 7L], (await log.QueryAsync(new AuditQuery { PatientKeys = new HashSet<long> { 3, 7, 8, 12, 999 } }, Ct)).Select(r => r.Sequence));
        Assert.Empty(await log.QueryAsync(new AuditQuery { PatientKeys = new HashSet<long>() }, Ct));
    }

    [Fact]
    public async Task Audit_ChangedField_IsReportedAtThatEntry()
    {
        var (log, dialect) = await AuditWithAsync(25);
        await SqlAsync(dialect, "UPDATE audit_log SET outcome = 'Success' WHERE seq = 15");
        var v = await VerifyAsync(log);
        Assert.False(v.Intact);
        Assert.Equal(15, v.Position);
    }

    [Fact]
    public async Task Audit_DeletedRow_IsReportedAtTheGap()
    {
        var (log, dialect) = await AuditWithAsync(25);
        await SqlAsync(dialect, "DELETE FROM audit_log WHERE seq = 5");
        var v = await VerifyAsync(log);
        Assert.Equal((false, 5L), (v.Intact, v.Position));
        Assert.Contains("missing", v.Message);
    }

    [Fact]
    public async Task Audit_SwappedRows_AreReportedAtTheFirst()
    {
        var (log, dialect) = await AuditWithAsync(25);
        await SqlAsync(dialect, "UPDATE audit_log SET seq = -1 WHERE seq = 3");
        await SqlAsync(dialect, "UPDATE audit_log SET seq = 3 WHERE seq = 4");
        await SqlAsync(dialect, "UPDATE audit_log SET seq = 4 WHERE seq = -1");
        var v = await VerifyAsync(log);
        Assert.Equal((false, 3L), (v.Intact, v.Position));
    }

    [Fact]
    public async Task Audit_InsertedRow_IsReportedWhereItWasInserted()
    {
        var (log, dialect) = await AuditWithAsync(25);
        // Make room at 6 and insert a plausible row that borrows a real hash.
        await SqlAsync(dialect, "UPDATE audit_log SET seq = seq + 1000 WHERE seq >= 6");
        await SqlAsync(dialect, "UPDATE audit_log SET seq = seq - 999 WHERE seq >= 1006");
        await SqlAsync(dialect, """
            INSERT INTO audit_log (seq, time, actor_id, actor_role, patient_key, object, action, outcome, purpose, source, detail, hash)
            SELECT 6, time, 'intruder', actor_role, patient_key, object, action, outcome, purpose, source, detail, hash FROM audit_log WHERE seq = 7
            """);
        var v = await VerifyAsync(log);
        Assert.Equal((false, 6L), (v.Intact, v.Position));
    }

    [Fact]
    public async Task Audit_ChainRewrittenWithValidHashes_IsCaughtByTheSignedCheckpoint()
    {
        var (log, dialect) = await AuditWithAsync(25);
        await SqlAsync(dialect, "UPDATE audit_log SET actor_id = 'someone-else' WHERE seq = 13");
        byte[] previous = AuditChain.Genesis;
        var records = await log.ReadAsync(1, Ct).ToListAsync();
        await using (var c = dialect.CreateConnection())
        {
            await c.OpenAsync(Ct);
            foreach (var r in records)
            {
                var h = AuditChain.Hash(previous, r.Sequence, r.Event);
                await using var cmd = c.CreateCommand();
                cmd.CommandText = $"UPDATE audit_log SET hash = '{Convert.ToHexStringLower(h)}' WHERE seq = {r.Sequence}";
                await cmd.ExecuteNonQueryAsync(Ct);
                previous = h;
            }
        }
        var v = await VerifyAsync(log);
        Assert.False(v.Intact);
        Assert.Equal(11, v.Position); // somewhere in 11..20, the span between the checkpoints at 10 and 20
        Assert.Contains("11 to 20", v.Message);
    }

    [Fact]
    public async Task Audit_TruncatedEnd_IsCaughtByTheCheckpoint_ForgedSignatureToo()
    {
        var (log, dialect) = await AuditWithAsync(25);
        await SqlAsync(dialect, "DELETE FROM audit_log WHERE seq >= 18");
        var v = await VerifyAsync(log);
        Assert.Equal((false, 18L), (v.Intact, v.Position));

        await SqlAsync(dialect, "UPDATE audit_checkpoints SET signature = '00' WHERE seq = 10");
        Assert.Equal(10, (await VerifyAsync(log)).Position);
    }

    [Fact]
    public async Task Audit_AppendInCallersTransaction_RollsBackWithIt()
    {
        var (log, dialect) = await AuditWithAsync(3);
        await using (var c = dialect.CreateConnection())
        {
            await c.OpenAsync(Ct);
            await using DbTransaction tx = await c.BeginTransactionAsync(Ct);
            Assert.Equal(4, (await log.AppendAsync(c, tx, Event(4), Ct)).Sequence);
            await tx.RollbackAsync(Ct);
        }
        Assert.Equal(4, (await log.AppendAsync(Event(5), Ct)).Sequence);
        var v = await VerifyAsync(log);
        Assert.True(v.Intact, v.Message);
        Assert.Equal(4, v.EntriesChecked);
    }

    [Fact]
    public async Task Audit_ConcurrentAppendsAcrossPages_StayGapFreeAndChained()
    {
        var (_, dialect) = await CreateAsync();
        var log = new SqlAuditLog(dialect, signer, TimeProvider.System) { CheckpointInterval = 10, PageSize = 7 };
        await Task.WhenAll(Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            for (int i = 0; i < 15; i++) await log.AppendAsync(Event(w * 100 + i), Ct);
        })));
        var v = await VerifyAsync(log);
        Assert.True(v.Intact, v.Message);
        Assert.Equal(60, v.EntriesChecked);
        Assert.Equal(Enumerable.Range(1, 60).Select(i => (long)i), await log.ReadAsync(1, Ct).Select(r => r.Sequence).ToListAsync());
    }

    [Fact]
    public async Task Audit_ConcurrentStandaloneAppends_ShareTransactions_EachAnsweredWithItsCommittedEntry()
    {
        var (_, dialect) = await CreateAsync();
        var log = new SqlAuditLog(dialect, signer, TimeProvider.System) { CheckpointInterval = 10 };
        Task<AuditRecord[]> appends;
        // Hold the chain's head (the row lock in PostgreSQL, the write lock in SQLite) so that the appends pile up.
        await using (var c = dialect.CreateConnection())
        {
            await c.OpenAsync(Ct);
            await using DbTransaction tx = await c.BeginTransactionAsync(Ct);
            await using (var hold = c.CreateCommand())
            {
                hold.Transaction = tx;
                hold.CommandText = "UPDATE audit_head SET seq = seq WHERE id = 1";
                await hold.ExecuteNonQueryAsync(Ct);
            }
            appends = Task.WhenAll(Enumerable.Range(1, 40).Select(i => Task.Run(() => log.AppendAsync(Event(i), Ct))));
            var waited = System.Diagnostics.Stopwatch.StartNew();
            while (log.QueuedEntries < 30 && waited.Elapsed < TimeSpan.FromSeconds(20)) await Task.Delay(20, Ct);
            Assert.True(log.QueuedEntries >= 30, $"only {log.QueuedEntries} appends queued behind the held head");
            Assert.False(appends.IsCompleted); // nobody was answered before the commit that holds their entry
            await tx.CommitAsync(Ct);
        }
        var records = await appends;
        Assert.InRange(log.BatchesWritten, 1, 40 - 29); // the queued ones went in shared transactions
        var stored = await log.ReadAsync(1, Ct).ToListAsync();
        Assert.Equal(Enumerable.Range(1, 40).Select(i => (long)i), stored.Select(r => r.Sequence));
        foreach (var r in records)
        {
            var s = stored[(int)r.Sequence - 1];
            Assert.Equal(r.Event.Object.Text, s.Event.Object.Text); // each caller got the entry written for its own event
            Assert.Equal(r.Hash, s.Hash);
        }
        Assert.Equal(40, records.Select(r => r.Event.Object.Text).Distinct().Count());
        var v = await VerifyAsync(log);
        Assert.True(v.Intact, v.Message);
        Assert.Equal(40, v.EntriesChecked);
    }

    public void Dispose() => Directory.Delete(root, recursive: true);
}

public sealed class SqliteSecurityStoresTests : SecurityStoresContract
{
    protected override SqlDialect CreateDialect(string folder) => SqlDialect.Sqlite(Path.Combine(folder, "index.db"));
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresSecurityStoresTests(PostgresServer server) : SecurityStoresContract
{
    protected override SqlDialect CreateDialect(string folder) => SqlDialect.Postgres(server.CreateDatabase());
}
