namespace Throttling.TestServer;

/// <summary>The server's rate limit: an exact sliding window over accepted arrivals, as strict as a provider gets.</summary>
internal sealed class SlidingWindowCounter(int permits, TimeSpan window)
{
    private readonly Queue<TimeSpan> _accepted = new();
    private TimeSpan _newest = TimeSpan.MinValue;

    /// <summary>
    /// Accepts the arrival at <paramref name="now"/>, or refuses it; either way says what is left, how long until the next
    /// permit comes back (a refusal's Retry-After) and how long until every permit is back (the reset rate-limit headers
    /// name, as providers define it).
    /// </summary>
    public bool TryAccept(TimeSpan now, out int remaining, out TimeSpan nextPermit, out TimeSpan fullReset)
    {
        lock (_accepted)
        {
            while (_accepted.Count > 0 && _accepted.Peek() + window <= now)
            {
                _accepted.Dequeue();
                _newest = _accepted.Count == 0 ? TimeSpan.MinValue : _newest;
            }

            bool accepted = _accepted.Count < permits;
            if (accepted)
            {
                _accepted.Enqueue(now);
                _newest = now;
            }

            remaining = permits - _accepted.Count;
            nextPermit = _accepted.Peek() + window - now;
            fullReset = _newest + window - now;
            return accepted;
        }
    }
}
