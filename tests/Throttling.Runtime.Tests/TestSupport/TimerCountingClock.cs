using Microsoft.Extensions.Time.Testing;

namespace Throttling.Tests;

/// <summary>
/// A fake clock that counts the timers armed on it, so that a test can wait for a delay to be armed before it moves the
/// clock: a clock moved first would arm the delay from the moved time, and it would never end.
/// </summary>
internal sealed class TimerCountingClock(DateTimeOffset start) : FakeTimeProvider(start)
{
    private int _timers;

    public int TimersArmed => Volatile.Read(ref _timers);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ITimer timer = base.CreateTimer(callback, state, dueTime, period);
        Interlocked.Increment(ref _timers);
        return timer;
    }
}
