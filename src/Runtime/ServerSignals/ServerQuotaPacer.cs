namespace Throttling;

/// <summary>
/// Holds a client to what the server last said it has left: after a response says <c>r</c> remain until <c>t</c>, at
/// most <c>r</c> calls start before <c>t</c>, counted from the call that response answered, since the server counted
/// neither the calls sent after it nor (for all we know) those sent with it. A server that says nothing is left pauses
/// new starts until its reset. Not thread-safe: its store serializes every call.
/// </summary>
internal sealed class ServerQuotaPacer
{
    // The start count at the invocation of the call whose response binds (see BudgetStore.Starts).
    private long _mark = long.MinValue;
    private long _startsAllowed = long.MaxValue;

    /// <summary>When the quota that binds resets; <see cref="long.MinValue"/> when none does.</summary>
    public long ResetAt { get; private set; } = long.MinValue;

    /// <summary>Takes what a response said about the quota, unless an answer to a later call said it already.</summary>
    /// <param name="mark">The start count right after the answered call was admitted.</param>
    /// <param name="quota">The tightest request quota of the response.</param>
    /// <param name="now">Now, in clock ticks.</param>
    /// <returns>Whether the quota now binds.</returns>
    public bool Observe(long mark, ServerQuota quota, long now)
    {
        if (mark < _mark && ResetAt > now)
        {
            return false;
        }

        _mark = mark;
        _startsAllowed = mark + quota.Remaining;
        ResetAt = Clock.Later(now, quota.Reset.Ticks);
        return true;
    }

    /// <summary>Now, when another call may start after <paramref name="starts"/> starts; otherwise the quota's reset.</summary>
    public long ReadyAt(long starts, long now)
    {
        if (ResetAt <= now)
        {
            if (ResetAt != long.MinValue)
            {
                Forget();
            }

            return now;
        }

        return starts < _startsAllowed ? now : ResetAt;
    }

    private void Forget()
    {
        _mark = long.MinValue;
        _startsAllowed = long.MaxValue;
        ResetAt = long.MinValue;
    }
}
