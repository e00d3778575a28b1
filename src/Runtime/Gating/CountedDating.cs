using System;

namespace Throttling;

/// <summary>
/// Dates the start of a call whose answer carried the server's count, and so says the request reached the server: no
/// later than its invocation plus the time its answer took beyond the quickest answer seen before it was sent (where it
/// waited before the server counted it: a new connection, a TLS handshake, a pool's queue), plus a delay for the
/// network's jitter. The first answers, with nothing quicker to compare with, date their starts at the response. Not
/// thread-safe: its store serializes every call.
/// </summary>
internal sealed class CountedDating
{
    /// <summary>What <see cref="QuickestAnswer"/> is before any answer came.</summary>
    public const long None = long.MaxValue;

    /// <summary>The quickest a counted answer came, in ticks, rising slowly to forget a lucky one; to note at each invocation.</summary>
    public long QuickestAnswer { get; private set; } = None;

    /// <summary>The date of a counted start, no later than <paramref name="now"/>, its response.</summary>
    /// <param name="invokedAt">When the call was invoked.</param>
    /// <param name="quickestBefore">What <see cref="QuickestAnswer"/> was at its invocation.</param>
    /// <param name="now">Now: the answer came.</param>
    /// <param name="jitter">The room left for the network's jitter.</param>
    public long DateOf(long invokedAt, long quickestBefore, long now, long jitter)
    {
        long took = now - invokedAt;
        QuickestAnswer = took <= QuickestAnswer ? took : QuickestAnswer + ((took - QuickestAnswer) / 32);
        if (quickestBefore == None)
        {
            return now;
        }

        long waited = Math.Max(0, took - quickestBefore);
        return Math.Min(now, Clock.Later(Clock.Later(invokedAt, waited), jitter));
    }

    /// <summary>The jitter's room for a start counted in windows no shorter than <paramref name="shortestWindow"/>: a fiftieth of it, at 2% of each limit.</summary>
    public static long JitterFor(long shortestWindow) => shortestWindow / 50;
}
