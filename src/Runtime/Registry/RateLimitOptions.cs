using System;

namespace Throttling;

/// <summary>One rate limit as configuration writes it.</summary>
public sealed class RateLimitOptions
{
    /// <summary>Call starts allowed per window.</summary>
    public int Permits { get; set; }

    /// <summary>The window, such as <c>"1m"</c>.</summary>
    public string? Window { get; set; }

    /// <summary>How starts are counted.</summary>
    public RateLimitKind Kind { get; set; } = RateLimitKind.SlidingWindow;

    internal RateLimitPolicy ToPolicy(string section)
    {
        if (!LimitRules.IsValidCount(Permits))
        {
            throw new ArgumentOutOfRangeException(section + ":Permits", Permits, "Permits must be at least 1.");
        }

        return new RateLimitPolicy(Permits, Duration.Parse(Window, section + ":Window"), Kind);
    }
}
