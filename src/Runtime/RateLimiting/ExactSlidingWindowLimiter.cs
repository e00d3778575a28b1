namespace Throttling.RateLimiting;

/// <summary>
/// At most <see cref="PermitsPerWindowOptions.PermitLimit"/> acquisitions in <em>any</em> window of length
/// <see cref="PermitsPerWindowOptions.Window"/>, wherever the window is placed.
/// </summary>
/// <remarks>
/// The BCL's <see cref="System.Threading.RateLimiting.SlidingWindowRateLimiter"/> divides the window into segments and
/// returns a segment's permits when it slides out, so a burst at the end of one segment and another when its permits
/// return can put twice the limit inside one window; a server counting that window answers 429. This limiter remembers
/// when each permit was taken and returns it exactly one window later.
/// </remarks>
public sealed class ExactSlidingWindowLimiter : TimedRateLimiter
{
    /// <summary>Creates the limiter from a copy of <paramref name="options"/>.</summary>
    /// <exception cref="System.ArgumentOutOfRangeException">A value of <paramref name="options"/> is out of range.</exception>
    public ExactSlidingWindowLimiter(ExactSlidingWindowLimiterOptions options)
        : base(PermitsPerWindowOptions.LimitOf(options, RateLimitKind.SlidingWindow), options)
    {
    }
}
