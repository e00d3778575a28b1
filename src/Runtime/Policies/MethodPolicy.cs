using System;
using System.Collections.Generic;
using System.Linq;

namespace Throttling;

/// <summary>What one method adds to its client's policy: rate limits of its own, or a backoff of its own.</summary>
public sealed class MethodPolicy
{
    /// <summary>Creates a method policy.</summary>
    /// <param name="key">Names the method within its client; the generator uses the method name, suffixed for overloads.</param>
    /// <param name="rateLimits">Limits on this method's starts, applied in addition to the client's.</param>
    /// <param name="backoff">Replaces the client's backoff for this method.</param>
    public MethodPolicy(string key, IEnumerable<RateLimitPolicy>? rateLimits = null, BackoffPolicy? backoff = null)
    {
        Key = key ?? throw new ArgumentNullException(nameof(key));
        RateLimits = rateLimits?.ToArray() ?? Array.Empty<RateLimitPolicy>();
        Backoff = backoff;
    }

    /// <summary>Names the method within its client.</summary>
    public string Key { get; }

    /// <summary>Limits on this method's starts, applied in addition to the client's.</summary>
    public IReadOnlyList<RateLimitPolicy> RateLimits { get; }

    /// <summary>Replaces the client's backoff for this method; null keeps the client's.</summary>
    public BackoffPolicy? Backoff { get; }

    internal bool SetsSameLimitsAs(MethodPolicy other)
        => Key == other.Key
            && RateLimits.Count == other.RateLimits.Count
            && RateLimits.Zip(other.RateLimits, (a, b) => a.SetsSameLimitsAs(b)).All(same => same)
            && (Backoff is null ? other.Backoff is null : Backoff.SetsSameLimitsAs(other.Backoff));
}
