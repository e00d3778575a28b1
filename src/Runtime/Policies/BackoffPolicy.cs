using System;

namespace Throttling;

/// <summary>How calls the server throttles (HTTP 429) are retried.</summary>
public sealed class BackoffPolicy
{
    /// <summary>Three retries, 2 s base delay, 60 s max delay, Retry-After honored up to 5 minutes.</summary>
    public static BackoffPolicy Default { get; } = new();

    /// <summary>Creates a backoff policy; parameters left null take the defaults of <see cref="BackoffAttribute"/>.</summary>
    /// <param name="maxRetries">Retries after the first attempt; 0 or more.</param>
    /// <param name="baseDelay">The exponential backoff's first step.</param>
    /// <param name="maxDelay">The longest computed delay.</param>
    /// <param name="maxRetryAfter">The longest server Retry-After worth waiting for; longer fails the call at once.</param>
    public BackoffPolicy(int maxRetries = BackoffDefaults.MaxRetries, TimeSpan? baseDelay = null, TimeSpan? maxDelay = null, TimeSpan? maxRetryAfter = null)
    {
        if (!LimitRules.IsValidRetryCount(maxRetries))
        {
            throw new ArgumentOutOfRangeException(nameof(maxRetries), maxRetries, "MaxRetries must be 0 or more.");
        }

        MaxRetries = maxRetries;
        BaseDelay = Positive(baseDelay ?? BackoffDefaults.BaseDelay, nameof(baseDelay));
        MaxDelay = Positive(maxDelay ?? BackoffDefaults.MaxDelay, nameof(maxDelay));
        MaxRetryAfter = Positive(maxRetryAfter ?? BackoffDefaults.MaxRetryAfter, nameof(maxRetryAfter));
    }

    /// <summary>Retries after the first attempt.</summary>
    public int MaxRetries { get; }

    /// <summary>The exponential backoff's first step.</summary>
    public TimeSpan BaseDelay { get; }

    /// <summary>The longest computed delay.</summary>
    public TimeSpan MaxDelay { get; }

    /// <summary>The longest server Retry-After worth waiting for.</summary>
    public TimeSpan MaxRetryAfter { get; }

    /// <summary>
    /// The full-jitter delay before retry number <paramref name="retry"/> (0 for the first retry): uniform between zero
    /// and <c>min(MaxDelay, BaseDelay · 2^retry)</c>, so that clients throttled together do not retry together.
    /// </summary>
    /// <param name="retry">The retry about to happen, counted from 0.</param>
    /// <param name="unitRandom">A number in [0, 1).</param>
    internal TimeSpan ComputeDelay(int retry, double unitRandom)
    {
        double ceiling = BaseDelay.Ticks * Math.Pow(2, Math.Min(retry, 62));
        double capped = Math.Min(ceiling, MaxDelay.Ticks);
        return TimeSpan.FromTicks((long)(capped * unitRandom));
    }

    private static TimeSpan Positive(TimeSpan value, string name)
        => value > TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(name, value, "Backoff durations must be positive.");

    internal bool SetsSameLimitsAs(BackoffPolicy? other)
        => other is not null
            && MaxRetries == other.MaxRetries
            && BaseDelay == other.BaseDelay
            && MaxDelay == other.MaxDelay
            && MaxRetryAfter == other.MaxRetryAfter;
}
