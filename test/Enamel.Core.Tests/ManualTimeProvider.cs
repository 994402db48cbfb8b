namespace Enamel.Core.Tests;

/// <summary>A clock the test moves by hand.</summary>
public sealed class ManualTimeProvider(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset now = start;

    public ManualTimeProvider() : this(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero)) { }

    public override DateTimeOffset GetUtcNow() => now;
    public void Advance(TimeSpan by) => now += by;
}
