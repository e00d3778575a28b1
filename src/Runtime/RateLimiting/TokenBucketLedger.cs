using System;

namespace Throttling;

/// <summary>
/// A token bucket holding up to the permit limit, refilled continuously at limit / window: bursts up to the bucket
/// size, then a steady rate. Reserving takes the token at once; giving a reservation back returns it.
/// </summary>
internal sealed class TokenBucketLedger : PermitLedger
{
    // Exact integer refills: a token is _unitsPerToken units and every tick adds _unitsPerTick units
    // (window and limit divided by their greatest common divisor, so the numbers stay small).
    private readonly long _unitsPerToken;
    private readonly long _unitsPerTick;
    private readonly long _capacity;
    private long _units;
    private long _refilledAt;

    public TokenBucketLedger(RateLimitPolicy policy, long now)
        : base(policy)
    {
        long window = policy.Window.Ticks;
        long divisor = GreatestCommonDivisor(window, policy.Permits);
        _unitsPerToken = window / divisor;
        _unitsPerTick = policy.Permits / divisor;
        try
        {
            _capacity = checked(policy.Permits * _unitsPerToken);
        }
        catch (OverflowException)
        {
            throw new ArgumentOutOfRangeException(nameof(policy), policy.ToString(), "This token bucket is too large to count exactly; use a sliding window.");
        }

        _units = _capacity;
        _refilledAt = now;
    }

    public override long ReadyAt(long now, int permits)
    {
        Refill(now);
        long missing = (permits * _unitsPerToken) - _units;
        return missing <= 0 ? now : now + ((missing + _unitsPerTick - 1) / _unitsPerTick);
    }

    public override int Available(long now)
    {
        Refill(now);
        return (int)Math.Max(0, _units / _unitsPerToken);
    }

    public override void Take(long now, int permits)
    {
        Refill(now);
        _units -= permits * _unitsPerToken;
    }

    public override void Reserve(long now, int permits) => Take(now, permits);

    public override void Commit(long at, int permits)
    {
    }

    public override void Unreserve(long now, int permits)
    {
        Refill(now);
        _units = Math.Min(_capacity, _units + (permits * _unitsPerToken));
    }

    // A bucket keeps no dates: a refund goes back in now, an overrun is taken now and may leave the bucket in debt.
    public override void Settle(long at, long now, int delta)
    {
        if (delta > 0)
        {
            Take(now, delta);
        }
        else
        {
            Unreserve(now, -delta);
        }
    }

    private void Refill(long now)
    {
        long elapsed = now - _refilledAt;
        if (elapsed <= 0)
        {
            return;
        }

        _refilledAt = now;
        long room = _capacity - _units;
        _units = elapsed > room / _unitsPerTick ? _capacity : _units + (elapsed * _unitsPerTick);
    }

    private static long GreatestCommonDivisor(long a, long b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }

        return a;
    }
}
