namespace Throttling.RateLimiting;

/// <summary>
/// At most <see cref="PermitsPerWindowOptions.PermitLimit"/> acquisitions per window, windows aligned to UTC multiples
/// of their length (a day window restarts at midnight UTC, as providers reset daily quotas), and following the
/// corrected UTC after a wall-clock step.
/// </summary>
/// <remarks>
/// The BCL's <see cref="System.Threading.RateLimiting.FixedWindowRateLimiter"/> starts its windows when it is created,
/// so its windows and the server's disagree by up to a window.
/// </remarks>
public sealed class UtcFixedWindowLimiter : TimedRateLimiter
{
    /// <summary>Creates the limiter from a copy of <paramref name="options"/>.</summary>
    /// <exception cref="System.ArgumentOutOfRangeException">A value of <paramref name="options"/> is out of range.</exception>
    public UtcFixedWindowLimiter(UtcFixedWindowLimiterOptions options)
        : base(PermitsPerWindowOptions.LimitOf(options, RateLimitKind.FixedWindow), options)
    {
    }
}
