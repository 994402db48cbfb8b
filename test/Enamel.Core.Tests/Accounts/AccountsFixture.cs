using Enamel.Core.Accounts;
using Enamel.Core.Audit;
using Enamel.Storage.Sql;

namespace Enamel.Core.Tests.Accounts;

/// <summary>The account services over a throwaway SQLite database, a hand-moved clock and cheap Argon2 parameters.</summary>
public sealed class AccountsFixture : IDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "enamel-accounts-tests", Guid.NewGuid().ToString("N"));

    public AccountsFixture()
    {
        Directory.CreateDirectory(root);
        var master = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
        Signer = new AuditCheckpointSigner(new Dictionary<int, byte[]> { [1] = master });
        Stores = new SqlSecurityStores(SqlDialect.Sqlite(Path.Combine(root, "index.db")), Signer, Time);
        Stores.InitializeAsync(CancellationToken.None).GetAwaiter().GetResult();
        Secrets = new SecretProtector(master);
        Sessions = new Sessions(Stores.Sessions, Stores.Users, Options, Time);
        SignIn = new SignIn(Stores.Users, Sessions, Hasher, Secrets, Stores.Audit, Stores.Changes, Options, Time);
        Accounts = new UserAccounts(Stores.Users, Stores.Roles, Hasher, Secrets, Stores.Changes, Time);
        Tokens = new ApiTokens(Stores.Tokens, Stores.Users, Stores.Changes, Options, Time);
    }

    public ManualTimeProvider Time { get; } = new();
    public AccountOptions Options { get; } = new();
    public PasswordHasher Hasher { get; } = new(new PasswordHasher.Parameters(1024, 1, 1));
    public AuditCheckpointSigner Signer { get; }
    public SqlSecurityStores Stores { get; }
    public SecretProtector Secrets { get; }
    public Sessions Sessions { get; }
    public SignIn SignIn { get; }
    public UserAccounts Accounts { get; }
    public ApiTokens Tokens { get; }

    public void Dispose() => Directory.Delete(root, recursive: true);
}
