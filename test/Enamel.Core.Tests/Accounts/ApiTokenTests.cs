using Enamel.Core.Access;
using Enamel.Core.Accounts;

namespace Enamel.Core.Tests.Accounts;

public sealed class ApiTokenTests : IDisposable
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly Operation StoreImages = new(RecordCategory.Imaging, RecordAction.Create);
    private readonly AccountsFixture f = new();

    private async Task<User> UserAsync() =>
        (await f.Accounts.CreateAsync("modality", "CBCT unit", [RoleTable.Hygienist], new HashSet<string> { "north" }, "admin", Ct)).User;

    [Fact]
    public async Task Token_AfterRevocation_IsRefused()
    {
        var user = await UserAsync();
        var (secret, token) = await f.Tokens.CreateAsync(user, "cbct", new HashSet<Operation> { StoreImages }, null, Ct);
        Assert.StartsWith("ent_", secret);
        Assert.DoesNotContain(secret, token.Hash);
        var actor = await f.Tokens.AuthenticateAsync(secret, "10.0.0.9", Ct);
        Assert.NotNull(actor);
        Assert.True(actor.TokenScope!.SetEquals([StoreImages]));

        Assert.True(await f.Tokens.RevokeAsync(token.Id, "admin", Ct));
        Assert.Null(await f.Tokens.AuthenticateAsync(secret, "10.0.0.9", Ct)); // replay after revocation
        Assert.Null(await f.Tokens.AuthenticateAsync(secret + "x", "10.0.0.9", Ct));
    }

    [Fact]
    public async Task Token_Expired_OrUserDisabled_IsRefused()
    {
        var user = await UserAsync();
        var (secret, _) = await f.Tokens.CreateAsync(user, "cbct", new HashSet<Operation> { StoreImages }, TimeSpan.FromDays(1), Ct);
        f.Time.Advance(TimeSpan.FromDays(1));
        Assert.Null(await f.Tokens.AuthenticateAsync(secret, "", Ct));

        var (second, _) = await f.Tokens.CreateAsync(user, "cbct2", new HashSet<Operation> { StoreImages }, null, Ct);
        Assert.NotNull(await f.Tokens.AuthenticateAsync(second, "", Ct));
        await f.Accounts.DisableAsync(user, "admin", Ct);
        Assert.Null(await f.Tokens.AuthenticateAsync(second, "", Ct));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => f.Tokens.CreateAsync(user, "x", new HashSet<Operation> { StoreImages }, TimeSpan.FromDays(400), Ct));
    }

    public void Dispose() => f.Dispose();
}
