using System;

namespace Throttling;

/// <summary>At most <c>permitLimit</c> acquisitions per window, windows aligned to UTC multiples of their length.</summary>
public sealed class FixedWindowLimiter : TimedRateLimiter
{
    /// <summary>Creates the limiter.</summary>
    /// <param name="permitLimit">Acquisitions allowed per window; at least 1.</param>
    /// <param name="window">The window length.</param>
    /// <param name="queueLimit">Permits that may wait in <c>AcquireAsync</c>; unbounded by default.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> by default.</param>
    public FixedWindowLimiter(int permitLimit, TimeSpan window, int queueLimit = int.MaxValue, TimeProvider? timeProvider = null)
        : base(new[] { new RateLimitPolicy(permitLimit, window, RateLimitKind.FixedWindow) }, queueLimit, timeProvider)
    {
    }
}
