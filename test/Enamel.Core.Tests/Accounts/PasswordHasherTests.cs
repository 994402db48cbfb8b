using System.Diagnostics;
using Enamel.Core.Accounts;
using Xunit.Abstractions;

namespace Enamel.Core.Tests.Accounts;

public sealed class PasswordHasherTests(ITestOutputHelper output)
{
    [Fact]
    public void Hash_DefaultParameters_IsPhcArgon2idAndVerifies()
    {
        var hasher = new PasswordHasher();
        var sw = Stopwatch.StartNew();
        var hash = hasher.Hash("correct horse battery staple");
        output.WriteLine($"Argon2id m=64MiB t=3 p=1: {sw.ElapsedMilliseconds} ms"); // measured, not asserted
        Assert.StartsWith("$argon2id$v=19$m=65536,t=3,p=1$", hash);
        Assert.True(hasher.Verify("correct horse battery staple", hash));
        Assert.False(hasher.Verify("correct horse battery stapler", hash));
        Assert.NotEqual(hash, hasher.Hash("correct horse battery staple")); // salted
        Assert.False(hasher.NeedsRehash(hash));
    }

    [Fact]
    public void Verify_MalformedOrOtherParameters_IsHandled()
    {
        var cheap = new PasswordHasher(new PasswordHasher.Parameters(1024, 1, 1));
        var hash = cheap.Hash("pw-123456789");
        Assert.True(new PasswordHasher().Verify("pw-123456789", hash)); // parameters come from the stored string
        Assert.True(new PasswordHasher().NeedsRehash(hash));
        foreach (var bad in new[] { "", "plain", "$argon2i$v=19$m=1024,t=1,p=1$AAAA$BBBB", "$argon2id$v=19$m=1024,t=1,p=1$!!!$BBBB", "$argon2id$v=19$m=99999999,t=1,p=1$AAAA$BBBB" })
            Assert.False(cheap.Verify("pw", bad));
    }
}
