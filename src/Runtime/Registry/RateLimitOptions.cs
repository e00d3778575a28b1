using System;

namespace Throttling;

/// <summary>One rate limit of <see cref="ClientThrottlingOptions.RateLimits"/>.</summary>
public sealed class RateLimitOptions
{
    /// <summary>Call starts allowed per window; at least 1.</summary>
    public int Permits { get; set; }

    /// <summary>The window; positive.</summary>
    public TimeSpan Window { get; set; }

    /// <summary>How starts are counted.</summary>
    public RateLimitKind Kind { get; set; } = RateLimitKind.SlidingWindow;
}
