namespace Throttling.RateLimiting;

/// <summary>The options of a <see cref="UtcFixedWindowLimiter"/>.</summary>
public sealed class UtcFixedWindowLimiterOptions : PermitsPerWindowOptions
{
}
