using System;

namespace Throttling.RateLimiting;

/// <summary>The options of a limiter with one limit: so many permits per window.</summary>
public abstract class PermitsPerWindowOptions : TimedRateLimiterOptions
{
    /// <summary>Acquisitions allowed per window; at least 1.</summary>
    public int PermitLimit { get; set; }

    /// <summary>The window; positive.</summary>
    public TimeSpan Window { get; set; }

    // Read once, when the limiter is created: later changes to the options do not reach it.
    internal static RateLimitPolicy[] LimitOf(PermitsPerWindowOptions? options, RateLimitKind kind)
    {
        if (options is null)
        {
            throw new ArgumentNullException(nameof(options));
        }

        if (!LimitRules.IsValidCount(options.PermitLimit))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.PermitLimit, "PermitLimit must be at least 1.");
        }

        if (options.Window <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Window, "Window must be positive.");
        }

        return new[] { new RateLimitPolicy(options.PermitLimit, options.Window) { Kind = kind } };
    }
}
