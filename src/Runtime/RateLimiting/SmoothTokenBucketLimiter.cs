namespace Throttling.RateLimiting;

/// <summary>
/// A bucket of <see cref="PermitsPerWindowOptions.PermitLimit"/> tokens refilled evenly over
/// <see cref="PermitsPerWindowOptions.Window"/>: bursts up to the bucket, then a steady rate.
/// </summary>
/// <remarks>
/// The BCL's <see cref="System.Threading.RateLimiting.TokenBucketRateLimiter"/> adds its tokens in steps, once per
/// replenishment period; this one refills continuously, so a token is back exactly <c>Window / PermitLimit</c> after it
/// was taken.
/// </remarks>
public sealed class SmoothTokenBucketLimiter : TimedRateLimiter
{
    /// <summary>Creates the limiter from a copy of <paramref name="options"/>.</summary>
    /// <exception cref="System.ArgumentOutOfRangeException">A value of <paramref name="options"/> is out of range.</exception>
    public SmoothTokenBucketLimiter(SmoothTokenBucketLimiterOptions options)
        : base(PermitsPerWindowOptions.LimitOf(options, RateLimitKind.TokenBucket), options)
    {
    }
}
