using Enamel.Core.Access;
using Enamel.Core.Accounts;
using Enamel.Core.Audit;
using Enamel.Storage.Sql;

namespace Enamel.Storage.Tests.Sql;

/// <summary>
/// One transaction per change and its audit entry, against SQLite and a real PostgreSQL: through the Core verbs that
/// use the unit of work, an audit append that fails leaves no change, and a change that fails leaves no audit entry
/// (the chain head unchanged).
/// </summary>
public abstract class UnitOfWorkContract : IDisposable
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private readonly string root = Path.Combine(Path.GetTempPath(), "enamel-uow-tests", Guid.NewGuid().ToString("N"));
    private readonly AuditCheckpointSigner signer = new(new Dictionary<int, byte[]> { [1] = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray() });

    protected UnitOfWorkContract() => Directory.CreateDirectory(root);

    protected abstract SqlDialect CreateDialect(string folder);

    private sealed record World(SqlDialect Dialect, SqlSecurityStores Stores, UserAccounts Accounts, ApiTokens Tokens, User Owner);

    private async Task<World> CreateAsync()
    {
        var dialect = CreateDialect(root);
        var stores = new SqlSecurityStores(dialect, signer, TimeProvider.System);
        await stores.InitializeAsync(Ct);
        var accounts = new UserAccounts(stores.Users, stores.Roles, new PasswordHasher(new PasswordHasher.Parameters(1024, 1, 1)),
            new SecretProtector(new byte[32]), stores.Changes, TimeProvider.System);
        var tokens = new ApiTokens(stores.Tokens, stores.Users, stores.Changes, new AccountOptions(), TimeProvider.System);
        var (owner, _) = await accounts.CreateAsync("owner", "Owner", [RoleTable.Dentist], new HashSet<string> { "main" }, "system", Ct);
        return new World(dialect, stores, accounts, tokens, owner);
    }

    private static async Task<(long Seq, string Hash, long Rows)> HeadAsync(SqlDialect dialect)
    {
        var head = (await MigrationsContract.QueryAsync(dialect, "SELECT seq, hash FROM audit_head", r => (r.GetInt64(0), r.GetString(1)))).Single();
        var rows = (await MigrationsContract.QueryAsync(dialect, "SELECT count(*) FROM audit_log", r => r.GetInt64(0))).Single();
        return (head.Item1, head.Item2, rows);
    }

    [Fact]
    public async Task Change_Committed_HasItsAuditEntryInTheSameChain()
    {
        var w = await CreateAsync();
        var before = await HeadAsync(w.Dialect);

        var (_, token) = await w.Tokens.CreateAsync(w.Owner, "scanner", new HashSet<Operation> { new(RecordCategory.Imaging, RecordAction.Read) }, null, Ct);

        Assert.Single(await w.Stores.Tokens.ListForUserAsync(w.Owner.Id, Ct));
        var after = await HeadAsync(w.Dialect);
        Assert.Equal((before.Seq + 1, before.Rows + 1), (after.Seq, after.Rows));
        var last = await w.Stores.Audit.ReadAsync(after.Seq, Ct).SingleAsync(Ct);
        Assert.Equal((AuditAction.TokenCreate, AuditObjectKind.ApiToken, token.Id), (last.Event.Action, last.Event.Object.Kind, last.Event.Object.Id));
        Assert.True((await new AuditVerifier(signer).VerifyAsync(w.Stores.Audit, Ct)).Intact);
    }

    [Fact]
    public async Task AuditAppendFails_TheChangeDidNotHappen()
    {
        var w = await CreateAsync();
        // Poison the chain: without its head row no entry can be appended.
        await MigrationsContract.ExecuteAsync(w.Dialect, "DELETE FROM audit_head");

        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            w.Tokens.CreateAsync(w.Owner, "scanner", new HashSet<Operation> { new(RecordCategory.Imaging, RecordAction.Read) }, null, Ct));
        await Assert.ThrowsAsync<InvalidOperationException>(() => w.Accounts.DisableAsync(w.Owner, "system", Ct));
        await Assert.ThrowsAnyAsync<Exception>(() => w.Accounts.CreateAsync("second", "Second", [RoleTable.Hygienist], new HashSet<string> { "main" }, "system", Ct));

        Assert.Empty(await w.Stores.Tokens.ListForUserAsync(w.Owner.Id, Ct));
        Assert.False((await w.Stores.Users.FindByIdAsync(w.Owner.Id, Ct))!.Disabled);
        Assert.Null(await w.Stores.Users.FindByNameAsync("second", Ct));
    }

    [Fact]
    public async Task ChangeFails_NoAuditEntryAndTheChainHeadUnchanged()
    {
        var w = await CreateAsync();
        var before = await HeadAsync(w.Dialect);
        var ghost = w.Owner with { Id = "no-such-user", UserName = "ghost" };

        // The token row refers to a user that does not exist (foreign key): the insert fails inside the change.
        await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() =>
            w.Tokens.CreateAsync(ghost, "scanner", new HashSet<Operation> { new(RecordCategory.Imaging, RecordAction.Read) }, null, Ct));
        // The user update finds no row: the verb's change fails before its audit entry.
        await Assert.ThrowsAsync<InvalidOperationException>(() => w.Accounts.DisableAsync(ghost, "system", Ct));

        Assert.Equal(before, await HeadAsync(w.Dialect));
        Assert.True((await new AuditVerifier(signer).VerifyAsync(w.Stores.Audit, Ct)).Intact);
        // And the chain goes on from the same head.
        await w.Accounts.DisableAsync(w.Owner, "system", Ct);
        Assert.Equal(before.Seq + 1, (await HeadAsync(w.Dialect)).Seq);
        Assert.True((await new AuditVerifier(signer).VerifyAsync(w.Stores.Audit, Ct)).Intact);
    }

    [Fact]
    public async Task ChangeDisposedWithoutCommit_RollsBackTheChangeAndItsAuditEntry()
    {
        var w = await CreateAsync();
        var before = await HeadAsync(w.Dialect);
        var role = new Role("reader", "reads", RoleReach.ClinicPatients, new HashSet<Operation> { new(RecordCategory.Imaging, RecordAction.Read) }, BuiltIn: false);

        await using (var change = await w.Stores.Changes.BeginAsync(Ct))
        {
            await change.Roles.SaveCustomAsync(role, Ct);
            await change.AuditAsync(new AuditEvent(DateTimeOffset.UtcNow, "system", "", null, AuditObject.Role("reader"), AuditAction.RoleDefine, AuditOutcome.Success, "", ""), Ct);
        }

        Assert.Null(await w.Stores.Roles.FindAsync("reader", Ct));
        Assert.Equal(before, await HeadAsync(w.Dialect));
    }

    /// <summary>A sign-in over the world's stores, and the owner able to sign in with <c>password</c> (no forced change).</summary>
    private static async Task<(SignIn SignIn, User Owner)> SignInAsync(World w)
    {
        var hasher = new PasswordHasher(new PasswordHasher.Parameters(1024, 1, 1));
        var options = new AccountOptions();
        var sessions = new Sessions(w.Stores.Sessions, w.Stores.Users, options, TimeProvider.System);
        var signIn = new SignIn(w.Stores.Users, sessions, hasher, new SecretProtector(new byte[32]), w.Stores.Audit, w.Stores.Changes, options, TimeProvider.System);
        var owner = w.Owner with { PasswordHash = hasher.Hash("password"), MustChangePassword = false };
        await w.Stores.Users.UpdateAsync(owner, Ct);
        return (signIn, owner);
    }

    [Fact]
    public async Task SignIn_AuditAppendFails_NoSessionAndNoFailureCounted()
    {
        var w = await CreateAsync();
        var (signIn, owner) = await SignInAsync(w);
        await MigrationsContract.ExecuteAsync(w.Dialect, "DELETE FROM audit_head");

        await Assert.ThrowsAsync<InvalidOperationException>(() => signIn.ExecuteAsync("owner", "password", null, "127.0.0.1", Ct));
        await Assert.ThrowsAsync<InvalidOperationException>(() => signIn.ExecuteAsync("owner", "wrong", null, "127.0.0.1", Ct));

        Assert.Empty(await w.Stores.Sessions.ListForUserAsync(owner.Id, Ct));
        Assert.Equal(0, (await w.Stores.Users.FindByIdAsync(owner.Id, Ct))!.FailedLogins);
    }

    [Fact]
    public async Task SignIn_SessionWriteFails_NoEntryAndTheCounterNotReset()
    {
        var w = await CreateAsync();
        var (signIn, owner) = await SignInAsync(w);
        Assert.Equal(SignInStatus.Failed, (await signIn.ExecuteAsync("owner", "wrong", null, "127.0.0.1", Ct)).Status);
        Assert.Equal(1, (await w.Stores.Users.FindByIdAsync(owner.Id, Ct))!.FailedLogins); // the failure and its entry committed
        var before = await HeadAsync(w.Dialect);

        // The session cannot be written: the counter reset and the "signed-in" entry roll back with it.
        await MigrationsContract.ExecuteAsync(w.Dialect, "ALTER TABLE sessions RENAME TO sessions_gone");
        await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => signIn.ExecuteAsync("owner", "password", null, "127.0.0.1", Ct));

        Assert.Equal(before, await HeadAsync(w.Dialect));
        Assert.Equal(1, (await w.Stores.Users.FindByIdAsync(owner.Id, Ct))!.FailedLogins);
        await MigrationsContract.ExecuteAsync(w.Dialect, "ALTER TABLE sessions_gone RENAME TO sessions");
        Assert.Equal(SignInStatus.Success, (await signIn.ExecuteAsync("owner", "password", null, "127.0.0.1", Ct)).Status);
        Assert.Equal(before.Seq + 1, (await HeadAsync(w.Dialect)).Seq);
        Assert.Single(await w.Stores.Sessions.ListForUserAsync(owner.Id, Ct));
        Assert.True((await new AuditVerifier(signer).VerifyAsync(w.Stores.Audit, Ct)).Intact);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(root, recursive: true);
        GC.SuppressFinalize(this);
    }
}

public sealed class SqliteUnitOfWorkTests : UnitOfWorkContract
{
    protected override SqlDialect CreateDialect(string folder) => SqlDialect.Sqlite(Path.Combine(folder, "index.db"));
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresUnitOfWorkTests(PostgresServer server) : UnitOfWorkContract
{
    protected override SqlDialect CreateDialect(string folder) => SqlDialect.Postgres(server.CreateDatabase());
}
