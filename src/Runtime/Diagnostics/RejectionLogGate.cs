namespace Throttling;

/// <summary>
/// Lets one rejection log event through per interval and counts the rest, so that an overloaded client writes a
/// summary every few seconds instead of a warning per refused call. Thread-safe: rejections happen under the client's
/// lock and outside it.
/// </summary>
internal sealed class RejectionLogGate
{
    private readonly object _sync = new();
    private readonly long _interval;
    private long _nextAt = long.MinValue;
    private int _suppressed;

    public RejectionLogGate(long intervalTicks) => _interval = intervalTicks;

    /// <summary>Whether to log the rejection at <paramref name="now"/>; if so, how many went unlogged since the last.</summary>
    public bool ShouldLog(long now, out int suppressed)
    {
        lock (_sync)
        {
            if (now < _nextAt)
            {
                _suppressed++;
                suppressed = 0;
                return false;
            }

            _nextAt = now + _interval;
            suppressed = _suppressed;
            _suppressed = 0;
            return true;
        }
    }
}
