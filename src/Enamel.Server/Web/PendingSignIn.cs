namespace Enamel.Server.Web;

/// <summary>What a pending-sign-in handle stands for: the user whose password was verified, never the password itself.</summary>
internal sealed record PendingSignIn(string UserId, PendingStep Step, string ReturnPath, string PreSignInHash, DateTimeOffset Expires, int Attempts = 0)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);
    public const int MaxAttempts = 3;
}

internal enum PendingStep
{
    /// <summary>A TOTP or recovery code is still needed.</summary>
    SecondFactor,
    /// <summary>Fully authenticated with a one-time password: a new password is needed before any session exists.</summary>
    ChangePassword,
}
