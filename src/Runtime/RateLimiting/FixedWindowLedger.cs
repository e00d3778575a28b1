using System;

namespace Throttling;

/// <summary>
/// A fixed window: at most the permit limit per window, windows aligned to UTC multiples of their length, the way
/// providers reset daily quotas at midnight UTC.
/// </summary>
/// <remarks>
/// The ledger counts in monotonic ticks, so it re-reads the UTC offset of that clock once a second: after a wall-clock
/// step (an NTP correction, a suspended VM) windows follow the corrected UTC. A step back never returns to an earlier
/// window, whose permits are already spent: the current window then lasts longer, on the safe side.
/// </remarks>
internal sealed class FixedWindowLedger : PermitLedger
{
    private static readonly long RealignEvery = TimeSpan.TicksPerSecond;

    private readonly Clock _clock;
    private readonly long _window;
    private long _utcOffset;
    private long _nextRealign = long.MinValue;
    private long _windowIndex = long.MinValue;
    private int _started;
    private int _reserved;

    public FixedWindowLedger(RateLimitPolicy policy, Clock clock)
        : base(policy)
    {
        _clock = clock;
        _window = policy.Window.Ticks;
    }

    public override long ReadyAt(long now, int permits)
    {
        Roll(now);
        if (PermitLimit - _started - _reserved >= permits)
        {
            return now;
        }

        // The next window starts empty; only reservations could still be in the way there.
        return PermitLimit - _reserved >= permits ? ((_windowIndex + 1) * _window) - _utcOffset : Unknown;
    }

    public override int Available(long now)
    {
        Roll(now);
        return PermitLimit - _started - _reserved;
    }

    public override void Take(long now, int permits)
    {
        Roll(now);
        _started += permits;
    }

    public override void Reserve(long now, int permits)
    {
        Roll(now);
        _reserved += permits;
    }

    // A start recorded in a window that has already ended no longer counts against anything.
    public override void Commit(long at, int permits)
    {
        _reserved -= permits;
        long index = WindowIndex(at);
        MoveTo(index);
        if (index == _windowIndex)
        {
            _started += permits;
        }
    }

    public override void Unreserve(long now, int permits) => _reserved -= permits;

    // Only a start of the current window still counts against anything.
    public override void Settle(long at, long now, int delta)
    {
        Roll(now);
        if (WindowIndex(at) == _windowIndex)
        {
            _started = Math.Max(0, _started + delta);
        }
    }

    private void Roll(long now)
    {
        if (now >= _nextRealign)
        {
            _utcOffset = _clock.UtcOffset(now);
            _nextRealign = now + RealignEvery;
        }

        MoveTo(WindowIndex(now));
    }

    private void MoveTo(long index)
    {
        if (index > _windowIndex)
        {
            _windowIndex = index;
            _started = 0;
        }
    }

    private long WindowIndex(long tick) => FloorDiv(tick + _utcOffset, _window);

    private static long FloorDiv(long value, long divisor)
    {
        long quotient = value / divisor;
        return (value % divisor != 0 && (value < 0) != (divisor < 0)) ? quotient - 1 : quotient;
    }
}
