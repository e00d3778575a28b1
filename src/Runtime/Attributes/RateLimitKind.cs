namespace Throttling;

/// <summary>How a <see cref="RateLimitAttribute"/> counts call starts.</summary>
public enum RateLimitKind
{
    /// <summary>
    /// Never more than <c>permits</c> starts in <em>any</em> window of the given length, so a server that counts with a
    /// fixed or sliding window of the same size never answers 429. The default.
    /// </summary>
    SlidingWindow = 0,

    /// <summary>
    /// At most <c>permits</c> starts per window, windows aligned to UTC multiples of their length (a <c>"1d"</c> window
    /// restarts at midnight UTC). Up to twice the permits can start around a window boundary.
    /// </summary>
    FixedWindow = 1,

    /// <summary>
    /// A bucket of <c>permits</c> tokens refilled evenly over the window: bursts up to the bucket size, then a steady rate.
    /// </summary>
    TokenBucket = 2,
}
