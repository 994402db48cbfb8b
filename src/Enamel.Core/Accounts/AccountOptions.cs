namespace Enamel.Core.Accounts;

/// <summary>Sign-in limits. Defaults follow HIPAA §164.312(a)(2)(iii) automatic logoff practice and NIST SP 800-63B throttling.</summary>
public sealed record AccountOptions
{
    /// <summary>A session unused this long ends.</summary>
    public TimeSpan SessionIdleTimeout { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>A session ends this long after sign-in, however active.</summary>
    public TimeSpan SessionAbsoluteTimeout { get; init; } = TimeSpan.FromHours(12);

    /// <summary>Failed attempts allowed before the account locks.</summary>
    public int FreeAttempts { get; init; } = 5;

    /// <summary>First lock duration; doubles with every further failure, up to <see cref="MaxLockout"/>.</summary>
    public TimeSpan BaseLockout { get; init; } = TimeSpan.FromSeconds(30);
    public TimeSpan MaxLockout { get; init; } = TimeSpan.FromHours(1);

    public TimeSpan DefaultTokenLifetime { get; init; } = TimeSpan.FromDays(90);
    public TimeSpan MaxTokenLifetime { get; init; } = TimeSpan.FromDays(366);

    /// <summary>Until when an account with <paramref name="failures"/> consecutive failures is locked (null: not locked).</summary>
    public DateTimeOffset? LockedUntil(int failures, DateTimeOffset lastFailure)
    {
        if (failures < FreeAttempts) return null;
        int doublings = Math.Min(failures - FreeAttempts, 20);
        var delay = TimeSpan.FromTicks(Math.Min(BaseLockout.Ticks << doublings, MaxLockout.Ticks));
        return lastFailure + delay;
    }
}
