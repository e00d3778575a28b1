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

    /// <summary>What the limit counts: <c>"requests"</c>, or a unit such as <c>"tokens"</c> that charges each call its cost.</summary>
    public string Unit { get; set; } = RateLimitPolicy.Requests;
}
