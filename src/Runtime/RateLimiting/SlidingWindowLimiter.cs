using System;

namespace Throttling;

/// <summary>
/// At most <c>permitLimit</c> acquisitions in <em>any</em> window of length <c>window</c>, wherever the window is placed.
/// </summary>
/// <remarks>
/// The BCL's <see cref="System.Threading.RateLimiting.SlidingWindowRateLimiter"/> divides the window into segments and
/// returns a segment's permits when it slides out, so a burst at the end of one segment and another when its permits
/// return can put twice the limit inside one window; a server counting that window answers 429. This limiter remembers
/// when each permit was taken and returns it exactly one window later.
/// </remarks>
public sealed class SlidingWindowLimiter : TimedRateLimiter
{
    /// <summary>Creates the limiter.</summary>
    /// <param name="permitLimit">Acquisitions allowed in any window; at least 1.</param>
    /// <param name="window">The window length.</param>
    /// <param name="queueLimit">Permits that may wait in <c>AcquireAsync</c>; unbounded by default.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> by default.</param>
    public SlidingWindowLimiter(int permitLimit, TimeSpan window, int queueLimit = int.MaxValue, TimeProvider? timeProvider = null)
        : base(new[] { new RateLimitPolicy(permitLimit, window, RateLimitKind.SlidingWindow) }, queueLimit, timeProvider)
    {
    }
}
