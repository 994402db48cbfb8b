using Enamel.Core.Access;
using Enamel.Core.Accounts;
using Enamel.Core.Audit;
using Enamel.Core.Errors;
using Enamel.Core.Keys;
using Enamel.Storage.Keys;
using Enamel.Storage.Sql;

namespace Enamel.Storage.Tests.Sql;

/// <summary>
/// Master-key rotation against SQLite and a real PostgreSQL: the re-sealed MFA secrets, the re-signed checkpoints and
/// the audit entry commit together; a rotation stopped by a checkpoint that does not verify leaves the database as it
/// was (no entry, secrets sealed as before) and a key file that still holds every version they need.
/// </summary>
public abstract class RotationContract : IDisposable
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly Actor Admin = new("u-admin", "admin", [RoleTable.Admin], new HashSet<string> { "main" });
    private readonly string root = Path.Combine(Path.GetTempPath(), "enamel-rotation-tests", Guid.NewGuid().ToString("N"));

    protected RotationContract() => Directory.CreateDirectory(root);

    protected abstract SqlDialect CreateDialect(string folder);

    private sealed record World(SqlDialect Dialect, SqlSecurityStores Stores, MasterKeyFile Master, RotateMasterKey Rotate, User User, byte[] Secret);

    private async Task<World> CreateAsync()
    {
        var masterPath = Path.Combine(root, "master.key");
        var master = MasterKeyFile.OpenOrCreate(masterPath, TimeProvider.System);
        var keyring = new FileKeyring(Path.Combine(root, "keys"), master, TimeProvider.System);
        await keyring.CreateDataKeyAsync(Ct);
        var versions = master.Versions.ToDictionary(v => v, master.Get);
        var dialect = CreateDialect(root);
        var stores = new SqlSecurityStores(dialect, new AuditCheckpointSigner(versions), TimeProvider.System);
        await stores.InitializeAsync(Ct);
        var accounts = new UserAccounts(stores.Users, stores.Roles, new PasswordHasher(new PasswordHasher.Parameters(1024, 1, 1)),
            new SecretProtector(versions), stores.Changes, TimeProvider.System);
        var (user, _) = await accounts.CreateAsync("dentist", "Dentist", [RoleTable.Dentist], new HashSet<string> { "main" }, "system", Ct);
        var secret = Enumerable.Range(0, 20).Select(i => (byte)i).ToArray();
        user = user with { TotpSecret = new SecretProtector(versions).Protect(secret) };
        await stores.Users.UpdateAsync(user, Ct);
        Assert.NotNull(await stores.Audit.CheckpointAsync(Ct)); // one signed checkpoint under version 1
        var policy = new AccessPolicy(stores.Roles, stores.BreakGlass, stores.Audit, TimeProvider.System);
        var rotate = new RotateMasterKey(new MasterKeyVault(master, keyring, TimeProvider.System), stores.Users, policy, stores.Changes, TimeProvider.System);
        return new World(dialect, stores, master, rotate, user, secret);
    }

    private static async Task<List<AuditEvent>> RotationEntriesAsync(World w) =>
        await w.Stores.Audit.ReadAsync(1, Ct).Select(r => r.Event).Where(e => e.Action == AuditAction.KeyRotate).ToListAsync(Ct);

    [Fact]
    public async Task Rotate_SecretsCheckpointsAndEntryCommitTogether_OldVersionRetired()
    {
        var w = await CreateAsync();
        var result = await w.Rotate.ExecuteAsync(Admin, "main", Ct);

        Assert.Equal((1, 2, 1, 1), (result.FromVersion, result.ToVersion, result.DataKeys, result.MfaSecrets));
        var reopened = MasterKeyFile.Open(w.Master.Path);
        Assert.Equal([2], reopened.Versions);
        var now = reopened.Versions.ToDictionary(v => v, reopened.Get);
        Assert.Equal(w.Secret, new SecretProtector(now).Unprotect((await w.Stores.Users.FindByIdAsync(w.User.Id, Ct))!.TotpSecret!));
        Assert.Single(await RotationEntriesAsync(w));
        Assert.True((await new AuditVerifier(new AuditCheckpointSigner(now)).VerifyAsync(w.Stores.Audit, Ct)).Intact);
    }

    [Fact]
    public async Task Rotate_StoppedByATamperedCheckpoint_DatabaseUnchanged_KeyFileStillOpensEverything()
    {
        var w = await CreateAsync();
        var sealedBefore = (await w.Stores.Users.FindByIdAsync(w.User.Id, Ct))!.TotpSecret!;
        await MigrationsContract.ExecuteAsync(w.Dialect, "UPDATE audit_checkpoints SET signature = '00'");

        await Assert.ThrowsAsync<ConflictException>(() => w.Rotate.ExecuteAsync(Admin, "main", Ct));

        Assert.Empty(await RotationEntriesAsync(w));
        Assert.Equal(sealedBefore, (await w.Stores.Users.FindByIdAsync(w.User.Id, Ct))!.TotpSecret);
        // The new version is in place and the old one kept: the secret sealed under version 1 still opens.
        var reopened = MasterKeyFile.Open(w.Master.Path);
        Assert.Equal([1, 2], reopened.Versions);
        Assert.Equal(w.Secret, new SecretProtector(reopened.Versions.ToDictionary(v => v, reopened.Get)).Unprotect(sealedBefore));
        Assert.False(File.Exists(w.Master.Path + ".tmp"));
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(root, recursive: true);
        GC.SuppressFinalize(this);
    }
}

public sealed class SqliteRotationTests : RotationContract
{
    protected override SqlDialect CreateDialect(string folder) => SqlDialect.Sqlite(Path.Combine(folder, "index.db"));
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresRotationTests(PostgresServer server) : RotationContract
{
    protected override SqlDialect CreateDialect(string folder) => SqlDialect.Postgres(server.CreateDatabase());
}
