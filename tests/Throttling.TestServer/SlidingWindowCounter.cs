namespace Throttling.TestServer;

/// <summary>The server's rate limit: an exact sliding window over accepted arrivals, as strict as a provider gets.</summary>
internal sealed class SlidingWindowCounter(int permits, TimeSpan window)
{
    private readonly Queue<TimeSpan> _accepted = new();

    /// <summary>Accepts the arrival at <paramref name="now"/>, or says how long until a permit is free.</summary>
    public bool TryAccept(TimeSpan now, out TimeSpan retryAfter, out int remaining)
    {
        lock (_accepted)
        {
            while (_accepted.Count > 0 && _accepted.Peek() + window <= now)
            {
                _accepted.Dequeue();
            }

            if (_accepted.Count < permits)
            {
                _accepted.Enqueue(now);
                retryAfter = TimeSpan.Zero;
                remaining = permits - _accepted.Count;
                return true;
            }

            retryAfter = _accepted.Peek() + window - now;
            remaining = 0;
            return false;
        }
    }
}
