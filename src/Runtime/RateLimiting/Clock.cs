using System;

namespace Throttling;

/// <summary>
/// A <see cref="TimeProvider"/>'s monotonic timestamp in <see cref="TimeSpan"/> ticks, the unit every ledger counts in.
/// Monotonic, so a wall-clock jump neither frees nor freezes permits.
/// </summary>
internal sealed class Clock
{
    private readonly double _ticksPerTimestamp;
    private readonly bool _isTickResolution;

    public Clock(TimeProvider time)
    {
        Time = time ?? throw new ArgumentNullException(nameof(time));
        _isTickResolution = time.TimestampFrequency == TimeSpan.TicksPerSecond;
        _ticksPerTimestamp = (double)TimeSpan.TicksPerSecond / time.TimestampFrequency;
    }

    public TimeProvider Time { get; }

    /// <summary>Now, in ticks since the provider's arbitrary origin.</summary>
    public long Now()
    {
        long timestamp = Time.GetTimestamp();
        return _isTickResolution ? timestamp : (long)(timestamp * _ticksPerTimestamp);
    }

    /// <summary>UTC ticks minus clock ticks at <paramref name="now"/>: what aligns a clock tick to UTC.</summary>
    public long UtcOffset(long now) => Time.GetUtcNow().UtcTicks - now;

    /// <summary>
    /// The longest a timer is armed for at once. Timers refuse due times past ~49.7 days (2^32 - 2 ms), and durations
    /// up to days are legal, so a longer wait is armed in steps: the timer fires, finds it early, and re-arms.
    /// </summary>
    public static readonly TimeSpan MaxTimerStep = TimeSpan.FromDays(30);

    /// <summary><paramref name="tick"/> + <paramref name="ticks"/>, or the end of time where that would overflow.</summary>
    public static long Later(long tick, long ticks) => ticks >= long.MaxValue - tick ? long.MaxValue : tick + ticks;

    /// <summary>
    /// The timer due time that reaches <paramref name="tick"/> from <paramref name="now"/>, rounded up to whole
    /// milliseconds (timers do not resolve finer, and firing early would only re-arm them), at most <see cref="MaxTimerStep"/>.
    /// </summary>
    public static TimeSpan DueTime(long now, long tick) => TimerStep(TimeSpan.FromTicks(Math.Max(tick - now, 0)));

    /// <summary><paramref name="wait"/> rounded up to whole milliseconds, at most <see cref="MaxTimerStep"/>.</summary>
    public static TimeSpan TimerStep(TimeSpan wait)
    {
        if (wait >= MaxTimerStep)
        {
            return MaxTimerStep;
        }

        long ticks = Math.Max(wait.Ticks, 0);
        return TimeSpan.FromTicks((ticks + TimeSpan.TicksPerMillisecond - 1) / TimeSpan.TicksPerMillisecond * TimeSpan.TicksPerMillisecond);
    }
}
