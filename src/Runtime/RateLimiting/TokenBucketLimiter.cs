using System;

namespace Throttling;

/// <summary>A bucket of <c>permitLimit</c> tokens refilled evenly over <c>window</c>: bursts up to the bucket, then a steady rate.</summary>
public sealed class TokenBucketLimiter : TimedRateLimiter
{
    /// <summary>Creates the limiter.</summary>
    /// <param name="permitLimit">The bucket size, and the tokens added per window; at least 1.</param>
    /// <param name="window">The time in which an empty bucket refills.</param>
    /// <param name="queueLimit">Permits that may wait in <c>AcquireAsync</c>; unbounded by default.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> by default.</param>
    public TokenBucketLimiter(int permitLimit, TimeSpan window, int queueLimit = int.MaxValue, TimeProvider? timeProvider = null)
        : base(new[] { new RateLimitPolicy(permitLimit, window, RateLimitKind.TokenBucket) }, queueLimit, timeProvider)
    {
    }
}
