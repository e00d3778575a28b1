namespace Throttling.RateLimiting;

/// <summary>The options of an <see cref="ExactSlidingWindowLimiter"/>.</summary>
public sealed class ExactSlidingWindowLimiterOptions : PermitsPerWindowOptions
{
}
