using System;

namespace Throttling;

/// <summary>
/// An exact sliding window: a start at tick t occupies a permit until t + window, so no window of that length, wherever
/// it is placed, holds more than the permit limit. Starts are kept as a ring of (tick, count) runs.
/// </summary>
/// <remarks>
/// Memory: starts at the same tick share one run, so a ring never holds more runs than permits. Above
/// <see cref="MaxExactRuns"/> permits (1,000,000 per day, say) ticks are rounded <em>up</em> to a grid of
/// window / <see cref="MaxExactRuns"/>, which caps the ring at that many runs (~64 KiB) and errs on the safe side: a start
/// is remembered as slightly later than it was, so its permit returns at most one grid step (0.025% of the window) late.
/// </remarks>
internal sealed class SlidingWindowLedger : PermitLedger
{
    internal const int MaxExactRuns = 4096;

    private readonly long _window;
    private readonly long _grid;
    private long[] _ticks = new long[4];
    private int[] _counts = new int[4];
    private int _head;
    private int _runs;
    private int _inWindow;
    private int _reserved;

    public SlidingWindowLedger(RateLimitPolicy policy)
        : base(policy)
    {
        _window = policy.Window.Ticks;
        _grid = policy.Permits <= MaxExactRuns ? 1 : Math.Max(1, (_window + MaxExactRuns - 1) / MaxExactRuns);
    }

    internal int RunCount => _runs;

    public override long ReadyAt(long now, int permits)
    {
        Expire(now);
        int missing = permits - (PermitLimit - _inWindow - _reserved);
        if (missing <= 0)
        {
            return now;
        }

        if (missing > _inWindow)
        {
            return Unknown;
        }

        // The oldest runs leave the window first; the one that frees the last missing permit names the tick.
        for (int i = 0, freed = 0; ; i++)
        {
            int slot = (_head + i) % _ticks.Length;
            freed += _counts[slot];
            if (freed >= missing)
            {
                return _ticks[slot] + _window;
            }
        }
    }

    public override int Available(long now)
    {
        Expire(now);
        return PermitLimit - _inWindow - _reserved;
    }

    public override void Take(long now, int permits)
    {
        Expire(now);
        Record(now, permits);
    }

    public override void Reserve(long now, int permits)
    {
        Expire(now);
        _reserved += permits;
    }

    public override void Commit(long at, int permits)
    {
        _reserved -= permits;
        Record(at, permits);
    }

    public override void Unreserve(long now, int permits) => _reserved -= permits;

    // A refund comes out of the earliest runs from the start's date on: the start's own run is one of them or later,
    // so taking from earlier ones frees its permits no later than it would, never earlier than the truth allows.
    public override void Settle(long at, long now, int delta)
    {
        Expire(now);
        if (at + _window <= now)
        {
            return;
        }

        if (delta > 0)
        {
            Record(at, delta);
            return;
        }

        long tick = _grid == 1 ? at : (at + _grid - 1) / _grid * _grid;
        for (int i = 0, refund = -delta; i < _runs && refund > 0; i++)
        {
            int slot = (_head + i) % _ticks.Length;
            if (_ticks[slot] < tick)
            {
                continue;
            }

            int taken = Math.Min(refund, _counts[slot]);
            _counts[slot] -= taken;
            _inWindow -= taken;
            refund -= taken;
        }
    }

    private void Expire(long now)
    {
        while (_runs > 0 && _ticks[_head] + _window <= now)
        {
            _inWindow -= _counts[_head];
            _head = (_head + 1) % _ticks.Length;
            _runs--;
        }
    }

    // A start recorded earlier than the last run (a long call committing after a short one) joins that run: later is
    // the safe side, and the ring stays in order.
    private void Record(long at, int permits)
    {
        long tick = _grid == 1 ? at : (at + _grid - 1) / _grid * _grid;
        _inWindow += permits;
        if (_runs > 0)
        {
            int last = (_head + _runs - 1) % _ticks.Length;
            if (_ticks[last] >= tick)
            {
                _counts[last] += permits;
                return;
            }
        }

        if (_runs == _ticks.Length)
        {
            Grow();
        }

        int slot = (_head + _runs) % _ticks.Length;
        _ticks[slot] = tick;
        _counts[slot] = permits;
        _runs++;
    }

    private void Grow()
    {
        var ticks = new long[_ticks.Length * 2];
        var counts = new int[_counts.Length * 2];
        for (int i = 0; i < _runs; i++)
        {
            int slot = (_head + i) % _ticks.Length;
            ticks[i] = _ticks[slot];
            counts[i] = _counts[slot];
        }

        _ticks = ticks;
        _counts = counts;
        _head = 0;
    }
}
