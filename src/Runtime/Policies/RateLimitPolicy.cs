using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace Throttling;

/// <summary>
/// At most <see cref="Permits"/> call starts per <see cref="Window"/>, counted the way <see cref="Kind"/> says; or, for a
/// <see cref="Unit"/> other than <see cref="Requests"/>, at most that many units (tokens, credits) of the calls' costs.
/// </summary>
/// <remarks>Settings beyond permits and window are init properties, so that adding one later breaks no caller's binary.</remarks>
public sealed class RateLimitPolicy
{
    /// <summary>The default <see cref="Unit"/>: each call counts one.</summary>
    public const string Requests = LimitRules.RequestsUnit;

    private readonly RateLimitKind _kind = RateLimitKind.SlidingWindow;
    private readonly string _unit = Requests;

    /// <summary>Creates a rate limit.</summary>
    /// <param name="permits">Call starts allowed per window; at least 1.</param>
    /// <param name="window">The window length; positive.</param>
    public RateLimitPolicy(int permits, TimeSpan window)
    {
        if (!LimitRules.IsValidCount(permits))
        {
            throw new ArgumentOutOfRangeException(nameof(permits), permits, "Permits must be at least 1.");
        }

        if (window <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(window), window, "The window must be positive.");
        }

        Permits = permits;
        Window = window;
    }

    /// <summary>Call starts allowed per window.</summary>
    public int Permits { get; }

    /// <summary>The window length.</summary>
    public TimeSpan Window { get; }

    /// <summary>How starts are counted; <see cref="RateLimitKind.SlidingWindow"/> by default.</summary>
    public RateLimitKind Kind
    {
        get => _kind;
        init => _kind = LimitRules.IsValidKind((int)value)
            ? value
            : throw new ArgumentOutOfRangeException(nameof(Kind), value, "Unknown rate limit kind.");
    }

    /// <summary>
    /// What the limit counts: <see cref="Requests"/> (each call one, the default), or a unit such as <c>"tokens"</c> in
    /// which each call is charged its cost (the value of its <c>[Cost]</c> parameter).
    /// </summary>
    public string Unit
    {
        get => _unit;
        init => _unit = LimitRules.IsValidUnit(value)
            ? value
            : throw new ArgumentException("A unit is a word such as \"tokens\"; null, empty and blank units are not.", nameof(Unit));
    }

    /// <summary>Whether each call is charged its cost rather than one.</summary>
    internal bool IsWeighted => !LimitRules.CountsRequests(_unit);

    /// <summary>Whether the limit counts tokens, which a server's token quota speaks of.</summary>
    internal bool CountsTokens => string.Equals(_unit, "tokens", StringComparison.OrdinalIgnoreCase);

    /// <inheritdoc />
    public override string ToString()
        => Permits.ToString(CultureInfo.InvariantCulture) + (IsWeighted ? " " + Unit : string.Empty) + " per " + Duration.Format(Window) + Kind switch
        {
            RateLimitKind.FixedWindow => " (fixed window)",
            RateLimitKind.TokenBucket => " (token bucket)",
            _ => string.Empty,
        };

    internal bool SetsSameLimitsAs(RateLimitPolicy other)
        => Permits == other.Permits && Window == other.Window && Kind == other.Kind && Unit == other.Unit;

    /// <summary>Whether two lists set the same limits, in order.</summary>
    internal static bool SetSameLimits(IReadOnlyList<RateLimitPolicy> first, IReadOnlyList<RateLimitPolicy> second)
        => first.Count == second.Count && first.Zip(second, (a, b) => a.SetsSameLimitsAs(b)).All(same => same);

    /// <summary>
    /// Of the policies a server declared, those stricter by rate than every one of <paramref name="declared"/>: what a
    /// client learns. A looser one never loosens the attributes.
    /// </summary>
    internal static RateLimitPolicy[] StricterThanAll(IEnumerable<RateLimitPolicy> server, IReadOnlyList<RateLimitPolicy> declared)
        => server.Where(s => declared.All(d => (double)s.Permits / s.Window.Ticks < (double)d.Permits / d.Window.Ticks)).ToArray();
}
