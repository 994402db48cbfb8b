namespace Enamel.Core.Accounts;

public enum SignInStatus
{
    Success,
    /// <summary>The password was right; a TOTP or recovery code is needed too.</summary>
    SecondFactorRequired,
    /// <summary>Unknown user, wrong password or code, disabled or locked account: the caller is not told which.</summary>
    Failed,
    /// <summary>Password (and second factor) were right, but the account must change its password first: no session was started.</summary>
    PasswordChangeRequired,
}
