using System;

namespace Throttling;

/// <summary>
/// A fixed window: at most the permit limit per window, windows aligned to UTC multiples of their length, the way
/// providers reset daily quotas at midnight UTC.
/// </summary>
internal sealed class FixedWindowLedger : PermitLedger
{
    private readonly long _window;
    private readonly long _utcOffset;
    private long _windowIndex = long.MinValue;
    private int _started;
    private int _reserved;

    /// <param name="policy">The limit.</param>
    /// <param name="utcOffset">UTC ticks minus clock ticks, to align windows to UTC.</param>
    public FixedWindowLedger(RateLimitPolicy policy, long utcOffset)
        : base(policy)
    {
        _window = policy.Window.Ticks;
        _utcOffset = utcOffset;
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
        long index = FloorDiv(at + _utcOffset, _window);
        if (index > _windowIndex)
        {
            Roll(at);
        }

        if (index == _windowIndex)
        {
            _started += permits;
        }
    }

    public override void Unreserve(long now, int permits) => _reserved -= permits;

    private void Roll(long now)
    {
        long index = FloorDiv(now + _utcOffset, _window);
        if (index != _windowIndex)
        {
            _windowIndex = index;
            _started = 0;
        }
    }

    private static long FloorDiv(long value, long divisor)
    {
        long quotient = value / divisor;
        return (value % divisor != 0 && (value < 0) != (divisor < 0)) ? quotient - 1 : quotient;
    }
}
