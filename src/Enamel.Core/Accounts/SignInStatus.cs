namespace Enamel.Core.Accounts;

public enum SignInStatus
{
    Success,
    /// <summary>The password was right; a TOTP or recovery code is needed too.</summary>
    SecondFactorRequired,
    /// <summary>Unknown user, wrong password or code, or disabled account: the caller is not told which.</summary>
    Failed,
    LockedOut,
    /// <summary>Password (and second factor) were right, but the account must change its password first: no session was started.</summary>
    PasswordChangeRequired,
}
