using System;
using System.Globalization;

namespace Throttling;

/// <summary>At most <see cref="Permits"/> call starts per <see cref="Window"/>, counted the way <see cref="Kind"/> says.</summary>
public sealed class RateLimitPolicy
{
    /// <summary>Creates a rate limit.</summary>
    /// <param name="permits">Call starts allowed per window; at least 1.</param>
    /// <param name="window">The window length; positive.</param>
    /// <param name="kind">How starts are counted.</param>
    public RateLimitPolicy(int permits, TimeSpan window, RateLimitKind kind = RateLimitKind.SlidingWindow)
    {
        if (!LimitRules.IsValidCount(permits))
        {
            throw new ArgumentOutOfRangeException(nameof(permits), permits, "Permits must be at least 1.");
        }

        if (window <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(window), window, "The window must be positive.");
        }

        if (!LimitRules.IsValidKind((int)kind))
        {
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown rate limit kind.");
        }

        Permits = permits;
        Window = window;
        Kind = kind;
    }

    /// <summary>Call starts allowed per window.</summary>
    public int Permits { get; }

    /// <summary>The window length.</summary>
    public TimeSpan Window { get; }

    /// <summary>How starts are counted.</summary>
    public RateLimitKind Kind { get; }

    /// <inheritdoc />
    public override string ToString()
        => Permits.ToString(CultureInfo.InvariantCulture) + " per " + Duration.Format(Window) + Kind switch
        {
            RateLimitKind.FixedWindow => " (fixed window)",
            RateLimitKind.TokenBucket => " (token bucket)",
            _ => string.Empty,
        };

    internal bool SetsSameLimitsAs(RateLimitPolicy other) => Permits == other.Permits && Window == other.Window && Kind == other.Kind;
}
