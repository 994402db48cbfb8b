using Enamel.Server.Hosting;

namespace Enamel.Cli.Admin;

/// <summary>
/// First start of `enamel serve`: with no accounts at all, creates "admin" (role admin, clinic "main") and prints its
/// one-time password alone on stdout, once; the password must be changed at first sign-in. Nothing is written to a log.
/// </summary>
internal static class FirstStart
{
    public const string DefaultClinic = "main";

    public static async Task RunAsync(DataFolder folder, CancellationToken ct)
    {
        var s = folder.Security;
        var accounts = new Core.Accounts.UserAccounts(s.Users, s.Roles, new Core.Accounts.PasswordHasher(), folder.Secrets, s.Changes, TimeProvider.System);
        if (await accounts.BootstrapAsync(DefaultClinic, ct) is not { } password) return;
        Console.Error.WriteLine("I: first start: created user 'admin'; its one-time password follows (shown once; change it at first sign-in)");
        Console.WriteLine(password);
        // The Argon2id hash just made 64 MiB of garbage; give it back before serving rather than carry it as resident memory.
        System.Runtime.GCSettings.LargeObjectHeapCompactionMode = System.Runtime.GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
    }
}
