using System;

namespace Throttling;

/// <summary>
/// The bookkeeping of one rate limit, as a state machine over ticks: no locks, no timers, no waiting. Its owner
/// (a <see cref="RateLimiting.TimedRateLimiter"/>, or a client's <see cref="ClientThrottle"/>) serializes every call under its lock.
/// </summary>
/// <remarks>
/// Besides taking permits for starts that happen now, a ledger can <em>reserve</em> permits (for a call waiting for a
/// slot, or in flight) and <em>commit</em> them later at the time the start is recorded. A reservation counts against the
/// limit from the moment it is made, so "N starts in any window" holds for the starts the server actually sees.
/// </remarks>
internal abstract class PermitLedger
{
    /// <summary>No tick can be named: the permits depend on reservations whose starts are not known yet.</summary>
    public const long Unknown = long.MaxValue;

    // Read on every reservation: the unit's comparison is made once.
    private readonly bool _isWeighted;

    protected PermitLedger(RateLimitPolicy policy)
    {
        Policy = policy;
        _isWeighted = policy.IsWeighted;
    }

    public RateLimitPolicy Policy { get; }

    public int PermitLimit => Policy.Permits;

    /// <summary>The earliest tick, at or after <paramref name="now"/>, at which <paramref name="permits"/> could be taken; <see cref="Unknown"/> when it depends on open reservations.</summary>
    public abstract long ReadyAt(long now, int permits);

    /// <summary>Permits that could be taken at <paramref name="now"/>.</summary>
    public abstract int Available(long now);

    /// <summary>Records <paramref name="permits"/> starts at <paramref name="now"/>; the caller checked <see cref="ReadyAt"/>.</summary>
    public abstract void Take(long now, int permits);

    /// <summary>Holds <paramref name="permits"/> for starts that come later; the caller checked <see cref="ReadyAt"/>.</summary>
    public abstract void Reserve(long now, int permits);

    /// <summary>Turns reserved permits into starts recorded at <paramref name="at"/>, which may be a little in the past.</summary>
    public abstract void Commit(long at, int permits);

    /// <summary>Gives back reserved permits whose calls will not start.</summary>
    public abstract void Unreserve(long now, int permits);

    /// <summary>
    /// Corrects by <paramref name="delta"/> permits a start already recorded at <paramref name="at"/>: a call whose real
    /// cost differed from the one it reserved.
    /// </summary>
    public abstract void Settle(long at, long now, int delta);

    /// <summary>What a call of cost <paramref name="cost"/> takes of this limit: its cost when the limit counts units, else one.</summary>
    public int Charge(int cost) => _isWeighted ? Math.Min(cost, PermitLimit) : 1;

    /// <param name="policy">The limit.</param>
    /// <param name="clock">The clock the ledger counts in; fixed windows also read its UTC offset.</param>
    /// <param name="now">Clock ticks now.</param>
    public static PermitLedger Create(RateLimitPolicy policy, Clock clock, long now) => policy.Kind switch
    {
        RateLimitKind.FixedWindow => new FixedWindowLedger(policy, clock),
        RateLimitKind.TokenBucket => new TokenBucketLedger(policy, now),
        _ => new SlidingWindowLedger(policy),
    };

    /// <summary>Whether every ledger could give <paramref name="permits"/> now; otherwise when the last of them could.</summary>
    public static long ReadyAtAll(PermitLedger[] ledgers, long now, int permits)
    {
        long readyAt = now;
        foreach (PermitLedger ledger in ledgers)
        {
            readyAt = Math.Max(readyAt, ledger.ReadyAt(now, permits));
        }

        return readyAt;
    }

    /// <summary>Whether every ledger could take what a call of <paramref name="cost"/> is charged now; otherwise when the last of them could.</summary>
    public static long ReadyAtAllFor(PermitLedger[] ledgers, long now, int cost)
    {
        long readyAt = now;
        foreach (PermitLedger ledger in ledgers)
        {
            readyAt = Math.Max(readyAt, ledger.ReadyAt(now, ledger.Charge(cost)));
        }

        return readyAt;
    }

    /// <summary>Reserves in every ledger what a call of <paramref name="cost"/> is charged, held until its start is dated.</summary>
    public static void ReserveInEach(PermitLedger[] ledgers, long now, int cost)
    {
        foreach (PermitLedger ledger in ledgers)
        {
            ledger.Reserve(now, ledger.Charge(cost));
        }
    }

    /// <summary>Gives back, in every ledger, the reservation of a call of <paramref name="cost"/> that will not start.</summary>
    public static void UnreserveInEach(PermitLedger[] ledgers, long now, int cost)
    {
        foreach (PermitLedger ledger in ledgers)
        {
            ledger.Unreserve(now, ledger.Charge(cost));
        }
    }

    /// <summary>Records, in every ledger, the start of a call that reserved what its <paramref name="cost"/> is charged.</summary>
    public static void CommitInEach(PermitLedger[] ledgers, long at, int cost)
    {
        foreach (PermitLedger ledger in ledgers)
        {
            ledger.Commit(at, ledger.Charge(cost));
        }
    }

    /// <summary>
    /// Settles, in every ledger that counts units, a call that reserved <paramref name="reserved"/> and cost
    /// <paramref name="actual"/>: still open when <paramref name="at"/> is <see cref="Unknown"/>, otherwise recorded at it.
    /// </summary>
    public static void SettleInEach(PermitLedger[] ledgers, long at, long now, int reserved, int actual)
    {
        foreach (PermitLedger ledger in ledgers)
        {
            int delta = ledger.Charge(actual) - ledger.Charge(reserved);
            if (delta == 0)
            {
                continue;
            }

            if (at != Unknown)
            {
                ledger.Settle(at, now, delta);
            }
            else if (delta > 0)
            {
                ledger.Reserve(now, delta);
            }
            else
            {
                ledger.Unreserve(now, -delta);
            }
        }
    }
}
