namespace Enamel.Core.Accounts;

/// <summary>
/// Sign-in limits, the settings <c>Enamel:Accounts:*</c> (docs/configuration.md). Defaults follow HIPAA
/// §164.312(a)(2)(iii) automatic logoff practice and NIST SP 800-63B throttling.
/// </summary>
public sealed record AccountOptions
{
    public const string Section = "Enamel:Accounts";

    /// <summary>A session unused this long ends.</summary>
    public TimeSpan SessionIdleTimeout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>A session ends this long after sign-in, however active.</summary>
    public TimeSpan SessionAbsoluteTimeout { get; set; } = TimeSpan.FromHours(12);

    /// <summary>Failed attempts allowed before the account locks.</summary>
    public int FreeAttempts { get; set; } = 5;

    /// <summary>First lock duration; doubles with every further failure, up to <see cref="MaxLockout"/>.</summary>
    public TimeSpan BaseLockout { get; set; } = TimeSpan.FromSeconds(30);
    public TimeSpan MaxLockout { get; set; } = TimeSpan.FromHours(1);

    public TimeSpan DefaultTokenLifetime { get; set; } = TimeSpan.FromDays(90);
    public TimeSpan MaxTokenLifetime { get; set; } = TimeSpan.FromDays(366);

    /// <summary>What is wrong with these settings, each naming the setting; empty when they can be used.</summary>
    public IEnumerable<string> Problems()
    {
        static bool Positive(TimeSpan t) => t > TimeSpan.Zero;
        if (!Positive(SessionIdleTimeout) || SessionIdleTimeout > TimeSpan.FromDays(1))
            yield return $"{Section}:SessionIdleTimeout {SessionIdleTimeout} must be more than 0 and at most 1.00:00:00";
        if (!Positive(SessionAbsoluteTimeout) || SessionAbsoluteTimeout > TimeSpan.FromDays(30))
            yield return $"{Section}:SessionAbsoluteTimeout {SessionAbsoluteTimeout} must be more than 0 and at most 30.00:00:00";
        else if (SessionAbsoluteTimeout < SessionIdleTimeout)
            yield return $"{Section}:SessionAbsoluteTimeout {SessionAbsoluteTimeout} must not be shorter than {Section}:SessionIdleTimeout {SessionIdleTimeout}";
        if (FreeAttempts is < 1 or > 100) yield return $"{Section}:FreeAttempts {FreeAttempts} must be from 1 to 100 (failed attempts before the account locks)";
        if (!Positive(BaseLockout)) yield return $"{Section}:BaseLockout {BaseLockout} must be more than 0";
        if (MaxLockout < BaseLockout) yield return $"{Section}:MaxLockout {MaxLockout} must not be shorter than {Section}:BaseLockout {BaseLockout}";
        if (!Positive(DefaultTokenLifetime) || DefaultTokenLifetime > MaxTokenLifetime)
            yield return $"{Section}:DefaultTokenLifetime {DefaultTokenLifetime} must be more than 0 and at most {Section}:MaxTokenLifetime {MaxTokenLifetime}";
        if (MaxTokenLifetime < TimeSpan.FromDays(1)) yield return $"{Section}:MaxTokenLifetime {MaxTokenLifetime} must be at least one day";
    }

    /// <summary>Until when an account with <paramref name="failures"/> consecutive failures is locked (null: not locked).</summary>
    public DateTimeOffset? LockedUntil(int failures, DateTimeOffset lastFailure)
    {
        if (failures < FreeAttempts) return null;
        int doublings = Math.Min(failures - FreeAttempts, 20);
        var delay = TimeSpan.FromTicks(Math.Min(BaseLockout.Ticks << doublings, MaxLockout.Ticks));
        return lastFailure + delay;
    }
}
