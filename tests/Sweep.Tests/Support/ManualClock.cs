namespace Sweep.Tests.Support;

/// <summary>A clock that moves only when a test moves it: lease logic tested without sleeping on wall time.</summary>
internal sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    public DateTimeOffset Now { get; private set; } = start;

    public override DateTimeOffset GetUtcNow() => Now;

    public void Advance(TimeSpan by) => Now += by;
}
