using System;
using System.Collections.Generic;
using System.Linq;

namespace Throttling.RateLimiting;

/// <summary>The options of a <see cref="StackedRateLimiter"/>.</summary>
public sealed class StackedRateLimiterOptions : TimedRateLimiterOptions
{
    /// <summary>The limits every acquisition must pass together; at least one.</summary>
    public IList<RateLimitPolicy> Limits { get; } = new List<RateLimitPolicy>();

    // Read once, when the limiter is created: later changes to the options do not reach it.
    internal static RateLimitPolicy[] LimitsOf(StackedRateLimiterOptions? options)
    {
        RateLimitPolicy[] limits = options?.Limits.ToArray() ?? throw new ArgumentNullException(nameof(options));
        if (limits.Length == 0 || limits.Contains(null!))
        {
            throw new ArgumentException("A stacked rate limiter needs at least one limit in Limits, and no null one.", nameof(options));
        }

        return limits;
    }
}
