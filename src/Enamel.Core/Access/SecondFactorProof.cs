namespace Enamel.Core.Access;

/// <summary>
/// That a user has just entered a valid second factor (a TOTP code for an unused step, or an unused recovery code), and
/// when. Only <see cref="Accounts.SignIn.ProveSecondFactorAsync"/> creates one, after checking the code; the constructor is
/// not public, so an edge cannot claim a second factor it did not check. What needs a fresh second factor (break-glass)
/// asks for one of these and checks its user and age.
/// </summary>
public sealed class SecondFactorProof
{
    internal SecondFactorProof(string userId, DateTimeOffset verified)
    {
        UserId = userId;
        Verified = verified;
    }

    public string UserId { get; }

    public DateTimeOffset Verified { get; }
}
