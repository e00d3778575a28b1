using System;

namespace Throttling;

/// <summary>
/// Holds a client to what the server last said it has left: after a response says <c>r</c> remain until <c>t</c>, at
/// most <c>r</c> calls start before <c>t</c>, counted from the call that response answered, since the server counted
/// neither the calls sent after it nor (for all we know) those sent with it. A server that says nothing is left pauses
/// new starts until its reset. Not thread-safe: its store serializes every call.
/// </summary>
/// <remarks>
/// Until the reset, what the pacer allows only ever tightens. Calls sent together reach the server in any order: the
/// answer to the last one sent may have been counted first and say more remain than there are. Of the answers, the
/// tightest is the one the server counted last, whose count takes in all the others; so the pacer keeps the tightest
/// bound any answer gives, and the latest reset any names.
/// </remarks>
internal sealed class ServerQuotaPacer
{
    private long _startsAllowed = long.MaxValue;

    /// <summary>When the quota that binds resets; <see cref="long.MinValue"/> when none does.</summary>
    public long ResetAt { get; private set; } = long.MinValue;

    /// <summary>Takes what a response said about the quota where it binds tighter than what the pacer holds.</summary>
    /// <param name="mark">The start count right after the answered call was admitted.</param>
    /// <param name="quota">The tightest request quota of the response.</param>
    /// <param name="now">Now, in clock ticks.</param>
    /// <returns>Whether what the pacer allows changed.</returns>
    public bool Observe(long mark, ServerQuota quota, long now)
    {
        if (ResetAt <= now)
        {
            Forget();
        }

        long allowed = mark + quota.Remaining;
        long resetAt = Clock.Later(now, quota.Reset.Ticks);
        if (allowed >= _startsAllowed && resetAt <= ResetAt)
        {
            return false;
        }

        _startsAllowed = Math.Min(_startsAllowed, allowed);
        ResetAt = Math.Max(ResetAt, resetAt);
        return true;
    }

    /// <summary>
    /// Takes an answer that leaves the client no fewer starts than its own limits do: the server agrees with the client's
    /// count, so a quota that bound no longer does.
    /// </summary>
    /// <returns>Whether a quota stopped binding.</returns>
    public bool Release()
    {
        if (ResetAt == long.MinValue)
        {
            return false;
        }

        Forget();
        return true;
    }

    /// <summary>Now, when another call may start after <paramref name="starts"/> starts; otherwise the quota's reset.</summary>
    public long ReadyAt(long starts, long now) => ReadyAtFor(starts, 1, now);

    /// <summary>
    /// Now, when <paramref name="amount"/> more may start after <paramref name="used"/> (a quota counted in tokens);
    /// otherwise the quota's reset.
    /// </summary>
    public long ReadyAtFor(long used, long amount, long now)
    {
        if (ResetAt <= now)
        {
            if (ResetAt != long.MinValue)
            {
                Forget();
            }

            return now;
        }

        return used + amount <= _startsAllowed ? now : ResetAt;
    }

    private void Forget()
    {
        _startsAllowed = long.MaxValue;
        ResetAt = long.MinValue;
    }
}
