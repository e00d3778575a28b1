using System;

namespace Throttling.RateLimiting;

/// <summary>What every <see cref="TimedRateLimiter"/> is configured with. Copied when the limiter is created.</summary>
public abstract class TimedRateLimiterOptions
{
    /// <summary>Permits that may wait in <c>AcquireAsync</c>; 0 or more, unbounded by default.</summary>
    public int QueueLimit { get; set; } = int.MaxValue;

    /// <summary>The clock; <see cref="System.TimeProvider.System"/> when null.</summary>
    public TimeProvider? TimeProvider { get; set; }
}
