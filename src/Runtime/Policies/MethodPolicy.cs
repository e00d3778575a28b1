using System;
using System.Collections.Generic;
using System.Linq;

namespace Throttling;

/// <summary>What one method adds to its client's policy: rate limits of its own, or a backoff of its own.</summary>
public sealed class MethodPolicy
{
    private readonly IReadOnlyList<RateLimitPolicy> _rateLimits = Array.Empty<RateLimitPolicy>();

    /// <summary>Creates a method policy.</summary>
    /// <param name="key">Names the method within its client; the generator uses the method name, suffixed for overloads.</param>
    public MethodPolicy(string key)
    {
        Key = key ?? throw new ArgumentNullException(nameof(key));
    }

    /// <summary>Names the method within its client.</summary>
    public string Key { get; }

    /// <summary>Limits on this method's starts, applied in addition to the client's; none by default.</summary>
    public IReadOnlyList<RateLimitPolicy> RateLimits
    {
        get => _rateLimits;
        init => _rateLimits = value?.ToArray() ?? throw new ArgumentNullException(nameof(RateLimits));
    }

    /// <summary>Replaces the client's backoff for this method; null (the client's) by default.</summary>
    public BackoffPolicy? Backoff { get; init; }

    internal bool SetsSameLimitsAs(MethodPolicy other)
        => Key == other.Key
            && RateLimits.Count == other.RateLimits.Count
            && RateLimits.Zip(other.RateLimits, (a, b) => a.SetsSameLimitsAs(b)).All(same => same)
            && (Backoff is null ? other.Backoff is null : Backoff.SetsSameLimitsAs(other.Backoff));
}
