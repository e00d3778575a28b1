using Microsoft.Extensions.Time.Testing;

namespace Throttling.Tests;

/// <summary>
/// A fake clock whose wall clock can be stepped (an NTP correction) while its monotonic timestamp and timers go on
/// unchanged, as on a real machine.
/// </summary>
internal sealed class SteppedWallClock(DateTimeOffset start) : FakeTimeProvider(start)
{
    private TimeSpan _step;

    public void StepWallClock(TimeSpan step) => _step += step;

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + _step;

    // FakeTimeProvider derives its timestamp from GetUtcNow; take the step back out so the timestamp stays monotonic.
    public override long GetTimestamp() => base.GetTimestamp() - _step.Ticks;
}
